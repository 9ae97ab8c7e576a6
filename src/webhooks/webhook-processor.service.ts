import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { parseCallbackData } from '../whatsapp/callback-data.js';
import {
  classifyProcessingError,
  isConnectionLoss,
  processingErrorDecision,
  type RetryDecision,
  retryDelayMs,
  uncountedRetryDelayMs,
  unknownMessageDecision,
} from './inbox-retry.js';
import { createOptOutMatcher, type OptOutMatcher } from './opt-out-keywords.js';
import { nextBatch, type PaceSettings } from './processor-pace.js';
import { type InboundMessageEvent, mapWebhookPayload, type StatusEvent, statusEventsToBody } from '../whatsapp/webhook-events.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';
import {
  APPLY_STATUS_EVENTS,
  CLAIM_INBOX_BATCH,
  CLAIM_INBOX_ITEM,
  CLAIM_PLAN_DEFAULTS,
  CLAIM_PLAN_SETTINGS,
  FIND_RECIPIENTS,
  INBOX_GAUGES,
  INSERT_INBOUND_EVENTS,
  INSERT_INBOX_REMAINDERS,
  INSERT_STATUS_EVENTS,
  LOCK_RECIPIENTS,
  MARK_INBOX_DEFERRED,
  MARK_INBOX_PROCESSED,
  MARK_INBOX_RETRY_UNCOUNTED,
  OPT_OUT_BY_KEYWORD,
  TOUCH_LAST_INBOUND,
} from './webhooks.queries.js';
import { errorMessage } from '../common/errors.js';

interface InboxGauges {
  due: number;
  oldest_due_seconds: number;
  retrying: number;
  parked: number;
}

interface ClaimedItem {
  id: string;
  channel_id: string;
  body: string;
  attempts: number;
  received_at: Date;
  next_attempt_at: Date;
}

interface DrainResult {
  claimed: number;
  /** How long the oldest claimed item had been due (0 when none was claimed). */
  lagMs: number;
}

interface ItemPlan {
  item: ClaimedItem;
  statuses: StatusEvent[];
  messages: InboundMessageEvent[];
  /** Why the body cannot be processed at all (parked at once). */
  unreadable?: string;
}

interface StatusRef {
  plan: ItemPlan;
  event: StatusEvent;
  callbackRecipientId: string | null;
  recipientId?: string;
}

interface RecipientRow {
  id: string;
  message_id: string | null;
  channel_id: string;
}

/** What a committed batch did, counted into the metrics only after COMMIT. */
interface BatchTally {
  applied: Map<string, number>;
  duplicates: number;
  unknownRetried: number;
  unknownParked: number;
  inbound: number;
  optOuts: number;
  parkedItems: number;
}

const MAX_LISTED_IDS = 5;
/** How long after new arrivals the processor starts a batch (arrivals meanwhile join it). */
const COALESCE_MS = 25;
/** A batch that failed transiently this many times in a row is processed one by one (isolates a culprit). */
const SPLIT_AFTER_TRANSIENT_FAILURES = 3;
/** Longest pause after failures (the claim itself, or transient batch failures) before trying again. */
const MAX_BACKOFF_MS = 10_000;

type ItemOutcome = 'done' | 'failed' | 'connection_lost';

/**
 * Drains webhook_inbox: claims due items in batches (FOR UPDATE SKIP LOCKED, so any number of workers
 * can run), maps both payload generations to events and applies them set-based, all in one transaction
 * per batch. Runs only where config.runsWorker; starts a batch within 25 ms when this instance stored new
 * bodies, otherwise polls every WEBHOOK_PROCESSOR_INTERVAL_MS (bodies stored by other instances).
 * When this instance's receiver is saturated, the processor yields between batches (processor-pace.ts):
 * acknowledgements first, the report at most WEBHOOK_PROCESSOR_MAX_LAG_SECONDS behind.
 *
 * Unknown message ids: an item whose status events all name unknown messages stays in the inbox
 * (attempts, next_attempt_at, last_error) and is retried with backoff until
 * WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS after receipt, then parked. When only some events of a body
 * are unknown, the others are applied and the body is split: the unknown remainder becomes a new inbox
 * row (On-Premise shape, same received_at) that follows the same retry rule, and the original row is
 * marked processed.
 *
 * A batch that fails is rolled back, and what happens next depends on why (inbox-retry.ts,
 * classifyProcessingError):
 * - transient (deadlock, serialization failure, connection lost, lock or statement timeout, …): the
 *   whole batch is tried again after a short backoff, consuming no attempt; after
 *   SPLIT_AFTER_TRANSIENT_FAILURES failures in a row it is processed one by one like below;
 * - anything else: its items are processed one by one, each in its own transaction. An item that still
 *   fails because of itself (data or integrity error, mapper exception) is retried with backoff and
 *   parked after MAX_ERROR_ATTEMPTS, so one bad body never blocks the others; an item that fails for a
 *   transient or system reason is retried later without consuming an attempt (never parked for it).
 * Parked items can be re-driven by an operator: POST /v1/webhooks/inbox/requeue (InboxController).
 */
@Injectable()
export class WebhookProcessorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookProcessorService.name);
  private readonly matcher: OptOutMatcher;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wakeRequested = false;
  private wake: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Failures in a row (of the claim, or transient ones of a batch); reset by a batch that commits. */
  private failureStreak = 0;
  /** Set by a failure: the loop pauses this long (not cut short by new arrivals) before the next batch. */
  private backoffMs = 0;
  private readonly pace: PaceSettings;
  /** Whether this instance's receiver stored bodies since the last pacing decision. */
  private bodiesArrived = false;
  private eventLoopMark = performance.eventLoopUtilization();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    writer: WebhookInboxWriter,
  ) {
    this.matcher = createOptOutMatcher(config.env.OPT_OUT_KEYWORDS);
    this.pace = {
      yieldUtilization: config.env.WEBHOOK_PROCESSOR_YIELD_UTILIZATION,
      yieldMs: config.env.WEBHOOK_PROCESSOR_YIELD_MS,
      maxLagMs: config.env.WEBHOOK_PROCESSOR_MAX_LAG_SECONDS * 1000,
    };
    writer.onStored(() => {
      this.bodiesArrived = true;
      this.nudge();
    });
    // One statement per scrape feeds the four inbox gauges: prom-client starts every collect() of a
    // scrape in the same tick, so they share the reading in flight.
    let reading: Promise<InboxGauges | undefined> | null = null;
    const read = (): Promise<InboxGauges | undefined> => {
      reading ??= this.safeQuery<InboxGauges>(INBOX_GAUGES)
        .then(([row]) => row)
        .finally(() => {
          reading = null;
        });
      return reading;
    };
    const gauge = (name: string, help: string, value: (row: InboxGauges) => number) =>
      metrics.gauge(name, help, async (target) => {
        const row = await read();
        if (row) target.set(value(row));
      });
    gauge('wa_webhook_inbox_backlog', 'Webhook bodies due for processing now (pending, next attempt reached)', (row) => row.due);
    gauge(
      'wa_webhook_inbox_oldest_pending_age_seconds',
      'Seconds the most overdue due webhook body has waited for the processor (0 when none is due); bodies held back for a retry are not counted',
      (row) => Number(row.oldest_due_seconds),
    );
    gauge('wa_webhook_inbox_retrying', 'Webhook bodies held back for a later retry (unknown message id, transient error)', (row) => row.retrying);
    gauge('wa_webhook_inbox_parked', 'Webhook bodies given up on (POST /v1/webhooks/inbox/requeue re-drives them)', (row) => row.parked);
  }

  onApplicationBootstrap(): void {
    if (this.config.runsWorker) this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /**
   * New bodies were committed: process them shortly rather than at the next tick. Arrivals within
   * COALESCE_MS join one batch, so a flood of single-status requests is applied in batches of hundreds
   * instead of one transaction per commit of the receiver.
   */
  nudge(): void {
    this.wakeRequested = true;
    this.armWake();
  }

  private armWake(): void {
    if (!this.wake || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wake?.();
    }, Math.min(COALESCE_MS, this.config.env.WEBHOOK_PROCESSOR_INTERVAL_MS));
  }

  private async run(): Promise<void> {
    const batchSize = this.config.env.WEBHOOK_PROCESSOR_BATCH_SIZE;
    while (!this.stopped) {
      let drained: DrainResult = { claimed: 0, lagMs: 0 };
      this.backoffMs = 0;
      try {
        this.wakeRequested = false;
        drained = await this.drainOnce();
      } catch (error) {
        // The claim itself failed (database unreachable, …): nothing was taken, try again later.
        this.failureStreak++;
        this.backoffMs = Math.min(retryDelayMs(this.failureStreak), MAX_BACKOFF_MS);
        this.logger.error(`Webhook processing failed: ${errorMessage(error)}; next try in ${this.backoffMs} ms`);
      }
      if (this.stopped) break;
      if (this.backoffMs > 0) {
        await this.sleep(this.backoffMs, false);
        continue;
      }
      const next = nextBatch(
        {
          ...drained,
          batchSize,
          eventLoopUtilization: performance.eventLoopUtilization(this.eventLoopMark).utilization,
          bodiesArrived: this.bodiesArrived,
        },
        this.pace,
      );
      this.eventLoopMark = performance.eventLoopUtilization();
      this.bodiesArrived = false;
      if (next.kind === 'now') continue;
      if (next.kind === 'rest') {
        this.metrics.webhookEvents.inc({ kind: 'inbox', status: 'processor_yielded' });
        await this.sleep(next.ms, false);
        continue;
      }
      await this.sleep(this.config.env.WEBHOOK_PROCESSOR_INTERVAL_MS);
    }
  }

  private sleep(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeTimer) clearTimeout(this.wakeTimer);
        this.wakeTimer = null;
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!wakeable) {
        // a backoff: only shutdown ends it early
        this.wake = () => {
          if (this.stopped) done();
        };
        return;
      }
      this.wake = done;
      if (this.wakeRequested) this.armWake();
    });
  }

  /** Claims and processes one batch; says how many inbox items it took and how long the oldest had been due. */
  async drainOnce(): Promise<DrainResult> {
    let claimed: ClaimedItem[] = [];
    let tally: BatchTally;
    const result = (): DrainResult => ({
      claimed: claimed.length,
      lagMs: claimed.length === 0 ? 0 : Math.max(0, Date.now() - new Date(claimed[0].next_attempt_at).getTime()),
    });
    try {
      tally = await this.dataSource.transaction(async (manager) => {
        await manager.query(CLAIM_PLAN_SETTINGS);
        claimed = await manager.query(CLAIM_INBOX_BATCH, [this.config.env.WEBHOOK_PROCESSOR_BATCH_SIZE]);
        await manager.query(CLAIM_PLAN_DEFAULTS);
        return this.process(manager, claimed);
      });
    } catch (error) {
      if (claimed.length === 0) throw error;
      const kind = classifyProcessingError(error);
      this.metrics.webhookEvents.inc({ kind: 'inbox', status: `batch_error_${kind}` });
      if (kind === 'transient') {
        this.failureStreak++;
        if (this.failureStreak < SPLIT_AFTER_TRANSIENT_FAILURES) {
          // Rolled back, nothing recorded: the same items are due again, no attempt consumed.
          this.backoffMs = Math.min(retryDelayMs(this.failureStreak), MAX_BACKOFF_MS);
          this.logger.warn(
            `A batch of ${claimed.length} webhook bodies failed transiently (${errorMessage(error)}); retrying it in ${this.backoffMs} ms`,
          );
          return result();
        }
      }
      this.logger.warn(`A batch of ${claimed.length} webhook bodies failed (${kind}: ${errorMessage(error)}); processing them one by one`);
      for (const item of claimed) {
        if ((await this.processOne(item.id)) === 'connection_lost') {
          this.failureStreak++;
          this.backoffMs = Math.min(retryDelayMs(this.failureStreak), MAX_BACKOFF_MS);
          return result();
        }
      }
      this.failureStreak = 0;
      return result();
    }
    this.failureStreak = 0;
    this.count(tally);
    return result();
  }

  /**
   * One item in its own transaction. If it fails, the failure is recorded by its kind: an error of the
   * item counts an attempt (parked after MAX_ERROR_ATTEMPTS); a transient or system error only pushes
   * next_attempt_at back. A lost connection records nothing (the item stays due) and stops the caller.
   */
  private async processOne(id: string): Promise<ItemOutcome> {
    try {
      const tally = await this.dataSource.transaction(async (manager) => {
        const items: ClaimedItem[] = await manager.query(CLAIM_INBOX_ITEM, [id]);
        return this.process(manager, items);
      });
      this.count(tally);
      return 'done';
    } catch (error) {
      const reason = errorMessage(error);
      const kind = classifyProcessingError(error);
      if (isConnectionLoss(error)) {
        this.logger.warn(`Webhook inbox item ${id} could not be processed, the database connection is gone (${reason}); it stays due`);
        return 'connection_lost';
      }
      this.logger.warn(`Webhook inbox item ${id} failed (${kind}): ${reason}`);
      try {
        const parked = await this.dataSource.transaction(async (manager) => {
          const items: ClaimedItem[] = await manager.query(CLAIM_INBOX_ITEM, [id]);
          if (items.length === 0) return false;
          const now = new Date();
          if (kind !== 'item') {
            const delay = uncountedRetryDelayMs(now.getTime() - new Date(items[0].received_at).getTime());
            const lastError = `${kind} error (no attempt counted), retrying: ${reason}`.slice(0, 2000);
            await manager.query(MARK_INBOX_RETRY_UNCOUNTED, [id, new Date(now.getTime() + delay), lastError]);
            return false;
          }
          const decision = processingErrorDecision({ attempts: items[0].attempts + 1, now });
          await this.defer(manager, [{ id, decision, lastError: `processing failed: ${reason}`.slice(0, 2000) }]);
          return decision.action === 'park';
        });
        if (parked) this.metrics.webhookEvents.inc({ kind: 'inbox', status: 'parked_error' });
      } catch (inner) {
        this.logger.error(`Could not record the failure of webhook inbox item ${id}: ${errorMessage(inner)}`);
        if (isConnectionLoss(inner)) return 'connection_lost';
      }
      return 'failed';
    }
  }

  private async process(db: EntityManager, items: ClaimedItem[]): Promise<BatchTally> {
    const tally: BatchTally = { applied: new Map(), duplicates: 0, unknownRetried: 0, unknownParked: 0, inbound: 0, optOuts: 0, parkedItems: 0 };
    if (items.length === 0) return tally;
    const plans = items.map((item) => this.plan(item));

    const statuses = plans.flatMap((plan) =>
      plan.statuses.map((event): StatusRef => ({ plan, event, callbackRecipientId: parseCallbackData(event.callbackData) })),
    );
    if (statuses.length > 0) await this.applyStatuses(db, statuses, tally);
    const matched = new Set(statuses.flatMap((ref) => (ref.recipientId !== undefined ? [ref.event] : [])));

    const inbound = plans.flatMap((plan) => plan.messages.map((event) => ({ plan, event })));
    if (inbound.length > 0) await this.applyInbound(db, inbound, tally);

    await this.settleItems(db, plans, matched, tally);
    return tally;
  }

  private plan(item: ClaimedItem): ItemPlan {
    let payload: unknown;
    try {
      payload = JSON.parse(item.body);
    } catch (error) {
      return { item, statuses: [], messages: [], unreadable: `body is not valid JSON: ${errorMessage(error)}` };
    }
    const mapped = mapWebhookPayload(payload, new Date(item.received_at));
    return {
      item,
      statuses: mapped.events.filter((event): event is StatusEvent => event.kind === 'status'),
      messages: mapped.events.filter((event): event is InboundMessageEvent => event.kind === 'message'),
    };
  }

  /**
   * Matches each status to a recipient of the item's channel: by message id, else by the callback data
   * `r:<recipient id>` when that recipient has no message id yet (or this one); a message id learned
   * that way also matches the batch's other events of that message.
   */
  private async applyStatuses(db: EntityManager, statuses: StatusRef[], tally: BatchTally): Promise<void> {
    const messageIds = unique(statuses.map((ref) => ref.event.messageId));
    const callbackIds = unique(statuses.flatMap((ref) => (ref.callbackRecipientId ? [ref.callbackRecipientId] : [])));
    const rows: RecipientRow[] = await db.query(FIND_RECIPIENTS, [messageIds, callbackIds]);
    const byMessage = new Map<string, RecipientRow>();
    const byId = new Map<string, RecipientRow>();
    for (const row of rows) {
      byId.set(row.id, row);
      if (row.message_id !== null) byMessage.set(row.message_id, row);
    }
    for (const ref of statuses) {
      const channelId = ref.plan.item.channel_id;
      const known = byMessage.get(ref.event.messageId);
      if (known) {
        if (known.channel_id === channelId) ref.recipientId = known.id;
        continue;
      }
      const named = ref.callbackRecipientId ? byId.get(ref.callbackRecipientId) : undefined;
      if (named && named.channel_id === channelId && named.message_id === null) {
        named.message_id = ref.event.messageId;
        byMessage.set(ref.event.messageId, named);
        ref.recipientId = named.id;
      }
    }
    for (const ref of statuses) {
      if (ref.recipientId) continue;
      const learned = byMessage.get(ref.event.messageId);
      if (learned && learned.channel_id === ref.plan.item.channel_id) ref.recipientId = learned.id;
    }

    const matched = statuses.filter((ref) => ref.recipientId !== undefined);
    if (matched.length === 0) return;
    const firstOfPair = new Map<string, StatusRef>();
    for (const ref of matched) {
      const key = pairKey(ref.event.messageId, ref.event.status);
      if (!firstOfPair.has(key)) firstOfPair.set(key, ref);
    }
    const candidates = [...firstOfPair.values()];

    await db.query(LOCK_RECIPIENTS, [unique(candidates.map((ref) => ref.recipientId!))]);
    const inserted: Array<{ message_id: string; status: string }> = await db.query(INSERT_STATUS_EVENTS, [
      candidates.map((ref) => ref.event.messageId),
      candidates.map((ref) => ref.event.status),
      candidates.map((ref) => ref.recipientId!),
      candidates.map((ref) => ref.event.timestamp),
      candidates.map((ref) => ref.event.errors?.[0]?.code ?? null),
      candidates.map((ref) => ref.event.errors?.[0]?.title ?? null),
    ]);
    tally.duplicates += matched.length - inserted.length;
    if (inserted.length === 0) return;
    const fresh = inserted.map((row) => firstOfPair.get(pairKey(row.message_id, row.status))!);
    await db.query(APPLY_STATUS_EVENTS, [
      fresh.map((ref) => ref.recipientId!),
      fresh.map((ref) => ref.event.messageId),
      fresh.map((ref) => ref.event.status),
      fresh.map((ref) => ref.event.timestamp),
      fresh.map((ref) => ref.event.errors?.[0]?.code ?? null),
      fresh.map((ref) => ref.event.errors?.[0]?.title ?? null),
    ]);
    for (const ref of fresh) tally.applied.set(ref.event.status, (tally.applied.get(ref.event.status) ?? 0) + 1);
  }

  private async applyInbound(db: EntityManager, inbound: Array<{ plan: ItemPlan; event: InboundMessageEvent }>, tally: BatchTally): Promise<void> {
    const firstById = new Map<string, { plan: ItemPlan; event: InboundMessageEvent }>();
    for (const message of inbound) if (!firstById.has(message.event.messageId)) firstById.set(message.event.messageId, message);
    const candidates = [...firstById.values()];
    const inserted: Array<{ message_id: string }> = await db.query(INSERT_INBOUND_EVENTS, [
      candidates.map((message) => message.event.messageId),
      candidates.map((message) => message.event.timestamp),
    ]);
    tally.duplicates += inbound.length - inserted.length;
    if (inserted.length === 0) return;
    const fresh = inserted.map((row) => firstById.get(row.message_id)!);
    tally.inbound += fresh.length;
    await db.query(TOUCH_LAST_INBOUND, [fresh.map((message) => message.event.fromWaId), fresh.map((message) => message.event.timestamp)]);

    const optOuts = fresh.flatMap(({ plan, event }) => {
      const keyword = this.matcher.match(event.text);
      if (!keyword) return [];
      const proof = JSON.stringify({
        channelId: plan.item.channel_id,
        messageId: event.messageId,
        from: event.fromWaId,
        text: event.text,
        timestamp: event.timestamp.toISOString(),
        inboxId: plan.item.id,
      });
      return [{ event, keyword, proof }];
    });
    if (optOuts.length === 0) return;
    const changed: Array<{ id: string; created: boolean }> = await db.query(OPT_OUT_BY_KEYWORD, [
      optOuts.map((optOut) => optOut.event.fromWaId),
      optOuts.map((optOut) => optOut.event.timestamp),
      optOuts.map((optOut) => `inbound keyword "${optOut.keyword}"`),
      optOuts.map((optOut) => `inbound keyword "${optOut.keyword}" from a number not in contacts (opted-out-unknown)`),
      optOuts.map((optOut) => optOut.proof),
    ]);
    tally.optOuts += changed.length;
  }

  private async settleItems(db: EntityManager, plans: ItemPlan[], matched: Set<StatusEvent>, tally: BatchTally): Promise<void> {
    const now = new Date();
    const retrySeconds = this.config.env.WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS;
    const processed: string[] = [];
    const deferred: Array<{ id: string; decision: RetryDecision; lastError: string }> = [];
    const remainders: Array<{ plan: ItemPlan; unknown: StatusEvent[]; decision: RetryDecision; lastError: string }> = [];

    for (const plan of plans) {
      if (plan.unreadable) {
        deferred.push({ id: plan.item.id, decision: { action: 'park' }, lastError: plan.unreadable });
        tally.parkedItems++;
        continue;
      }
      const unknown = plan.statuses.filter((event) => !matched.has(event));
      if (unknown.length === 0) {
        processed.push(plan.item.id);
        continue;
      }
      const attempts = plan.item.attempts + 1;
      const decision = unknownMessageDecision({ receivedAt: new Date(plan.item.received_at), attempts, now, retrySeconds });
      const lastError = unknownReason(unknown, decision, attempts, plan.item);
      if (decision.action === 'park') tally.unknownParked += unknown.length;
      else tally.unknownRetried += unknown.length;
      const allUnknown = unknown.length === plan.statuses.length && plan.messages.length === 0;
      if (allUnknown) {
        deferred.push({ id: plan.item.id, decision, lastError });
      } else {
        processed.push(plan.item.id);
        remainders.push({ plan, unknown, decision, lastError });
      }
    }

    if (processed.length > 0) await db.query(MARK_INBOX_PROCESSED, [processed]);
    if (deferred.length > 0) await this.defer(db, deferred);
    if (remainders.length > 0) {
      await db.query(INSERT_INBOX_REMAINDERS, [
        remainders.map((r) => r.plan.item.channel_id),
        remainders.map((r) => statusEventsToBody(r.unknown)),
        remainders.map((r) => (r.decision.action === 'park' ? 'parked' : 'pending')),
        remainders.map((r) => r.plan.item.received_at),
        remainders.map((r) => (r.decision.action === 'retry' ? r.decision.nextAttemptAt : now)),
        remainders.map((r) => r.plan.item.attempts + 1),
        remainders.map((r) => `${r.lastError} (split from inbox item ${r.plan.item.id})`),
      ]);
    }
  }

  private async defer(db: EntityManager, rows: Array<{ id: string; decision: RetryDecision; lastError: string }>): Promise<void> {
    await db.query(MARK_INBOX_DEFERRED, [
      rows.map((row) => row.id),
      rows.map((row) => (row.decision.action === 'park' ? 'parked' : 'pending')),
      rows.map((row) => (row.decision.action === 'retry' ? row.decision.nextAttemptAt : null)),
      rows.map((row) => row.lastError),
    ]);
  }

  private count(tally: BatchTally): void {
    const events = this.metrics.webhookEvents;
    for (const [status, count] of tally.applied) events.inc({ kind: 'status', status }, count);
    if (tally.duplicates > 0) events.inc({ kind: 'any', status: 'duplicate' }, tally.duplicates);
    if (tally.unknownRetried > 0) events.inc({ kind: 'status', status: 'unknown_message_retry' }, tally.unknownRetried);
    if (tally.unknownParked > 0) events.inc({ kind: 'status', status: 'unknown_message_parked' }, tally.unknownParked);
    if (tally.inbound > 0) events.inc({ kind: 'message', status: 'inbound' }, tally.inbound);
    if (tally.optOuts > 0) events.inc({ kind: 'message', status: 'opt_out' }, tally.optOuts);
    if (tally.parkedItems > 0) events.inc({ kind: 'inbox', status: 'parked_unreadable' }, tally.parkedItems);
  }

  private async safeQuery<T>(sql: string): Promise<T[]> {
    try {
      return await this.dataSource.query(sql);
    } catch {
      return [];
    }
  }
}

function unknownReason(unknown: StatusEvent[], decision: RetryDecision, attempts: number, item: ClaimedItem): string {
  const ids = unique(unknown.map((event) => event.messageId));
  const listed = ids.slice(0, MAX_LISTED_IDS).join(', ') + (ids.length > MAX_LISTED_IDS ? `, … (${ids.length} in all)` : '');
  if (decision.action === 'park') {
    const seconds = Math.round((Date.now() - new Date(item.received_at).getTime()) / 1000);
    return `parked: no campaign recipient of this channel has message id ${listed} after ${attempts} attempts over ${seconds} s`;
  }
  return `unknown message id ${listed}; attempt ${attempts}, retrying`;
}

function pairKey(messageId: string, status: string): string {
  return `${messageId}\u0000${status}`;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
