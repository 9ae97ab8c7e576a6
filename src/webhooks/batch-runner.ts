import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { errorMessage } from '../common/errors.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { BatchApplier } from './batch-applier.js';
import type { BatchTally } from './batch-plan.js';
import {
  classifyProcessingError,
  isConnectionLoss,
  processingErrorDecision,
  retryDelayMs,
  uncountedRetryDelayMs,
} from './inbox-retry.js';
import { type ClaimedItem, InboxRepository } from './inbox.repository.js';

/** A batch that failed transiently this many times in a row is processed one by one (isolates a culprit). */
const SPLIT_AFTER_TRANSIENT_FAILURES = 3;
/** Longest pause after failures (the claim itself, or transient batch failures) before trying again. */
const MAX_BACKOFF_MS = 10_000;

/** The processor's pause after its n-th failure in a row (of the claim, or transient ones of a batch). */
export function failureBackoffMs(failuresInARow: number): number {
  return Math.min(retryDelayMs(failuresInARow), MAX_BACKOFF_MS);
}

export interface DrainResult {
  claimed: number;
  /** How long the oldest claimed item had been due (0 when none was claimed). */
  lagMs: number;
  /** The batch failed in a way that asks for a pause (failureBackoffMs) before the next one. */
  backOff: boolean;
}

type ItemOutcome = 'done' | 'failed' | 'connection_lost';

/**
 * One batch of webhook_inbox: claims due items (FOR UPDATE SKIP LOCKED, so any number of workers can
 * run) and applies them in one transaction (BatchApplier). A batch that fails is rolled back, and what
 * happens next depends on why (inbox-retry.ts, classifyProcessingError):
 * - transient (deadlock, serialization failure, connection lost, lock or statement timeout, …): the
 *   whole batch is tried again after a short backoff, consuming no attempt; after
 *   SPLIT_AFTER_TRANSIENT_FAILURES failures in a row it is processed one by one like below;
 * - anything else: its items are processed one by one, each in its own transaction. An item that still
 *   fails because of itself (data or integrity error, mapper exception) is retried with backoff and
 *   parked after MAX_ERROR_ATTEMPTS, so one bad body never blocks the others; an item that fails for a
 *   transient or system reason is retried later without consuming an attempt (never parked for it).
 *   A lost database connection stops the one-by-one run (the rest stays due) and asks for a backoff.
 * Parked items can be re-driven by an operator: POST /v1/webhooks/inbox/requeue (InboxController).
 */
@Injectable()
export class BatchRunner {
  private readonly logger = new Logger('WebhookProcessorService');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly inbox: InboxRepository,
    private readonly applier: BatchApplier,
    private readonly channels: ChannelsRepository,
  ) {}

  /**
   * After a batch committed: its counts into the metrics, and the channels' status watermarks forward
   * (unknown-outcome.ts). Best effort: a watermark not written only makes an unknown outcome wait longer.
   */
  private async committed(tally: BatchTally): Promise<void> {
    this.applier.count(tally);
    await this.channels.advanceStatusWatermarks(tally.statusesSeenThrough).catch((error: unknown) => {
      this.logger.warn(`Could not move the status watermark of ${tally.statusesSeenThrough.size} channel(s) forward: ${errorMessage(error)}`);
    });
  }

  /**
   * Claims and processes one batch; says how many inbox items it took, how long the oldest had been due,
   * and whether to back off. `failuresInARow`: the processor's failures before this batch. Throws when
   * the claim itself fails (nothing was taken).
   */
  async drainOnce(failuresInARow: number): Promise<DrainResult> {
    let claimed: ClaimedItem[] = [];
    let tally: BatchTally;
    const result = (backOff: boolean): DrainResult => ({
      claimed: claimed.length,
      lagMs: claimed.length === 0 ? 0 : Math.max(0, Date.now() - new Date(claimed[0].next_attempt_at).getTime()),
      backOff,
    });
    try {
      tally = await this.dataSource.transaction(async (manager) => {
        claimed = await this.inbox.claimBatch(this.config.env.WEBHOOK_PROCESSOR_BATCH_SIZE, manager);
        return this.applier.apply(manager, claimed);
      });
    } catch (error) {
      if (claimed.length === 0) throw error;
      const kind = classifyProcessingError(error);
      this.metrics.webhookEvents.inc({ kind: 'inbox', status: `batch_error_${kind}` });
      if (kind === 'transient' && failuresInARow + 1 < SPLIT_AFTER_TRANSIENT_FAILURES) {
        // Rolled back, nothing recorded: the same items are due again, no attempt consumed.
        this.logger.warn(
          `A batch of ${claimed.length} webhook bodies failed transiently (${errorMessage(error)}); retrying it in ${failureBackoffMs(failuresInARow + 1)} ms`,
        );
        return result(true);
      }
      this.logger.warn(`A batch of ${claimed.length} webhook bodies failed (${kind}: ${errorMessage(error)}); processing them one by one`);
      for (const item of claimed) {
        if ((await this.processOne(item.id)) === 'connection_lost') return result(true);
      }
      return result(false);
    }
    await this.committed(tally);
    return result(false);
  }

  /**
   * One item in its own transaction. If it fails, the failure is recorded by its kind: an error of the
   * item counts an attempt (parked after MAX_ERROR_ATTEMPTS); a transient or system error only pushes
   * next_attempt_at back. A lost connection records nothing (the item stays due) and stops the caller.
   */
  private async processOne(id: string): Promise<ItemOutcome> {
    try {
      const tally = await this.dataSource.transaction(async (manager) => this.applier.apply(manager, await this.inbox.claimItem(id, manager)));
      await this.committed(tally);
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
          const items = await this.inbox.claimItem(id, manager);
          if (items.length === 0) return false;
          const now = new Date();
          if (kind !== 'item') {
            const delay = uncountedRetryDelayMs(now.getTime() - new Date(items[0].received_at).getTime());
            const lastError = `${kind} error (no attempt counted), retrying: ${reason}`.slice(0, 2000);
            await this.inbox.retryUncounted({ id, nextAttemptAt: new Date(now.getTime() + delay), lastError }, manager);
            return false;
          }
          const decision = processingErrorDecision({ attempts: items[0].attempts + 1, now });
          await this.inbox.defer([{ id, decision, lastError: `processing failed: ${reason}`.slice(0, 2000) }], manager);
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
}
