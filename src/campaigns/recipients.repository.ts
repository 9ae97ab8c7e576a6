import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute } from '../database/sql.js';
import { FREQUENCY_CAP_HOURS } from './frequency-cap.js';
import { buildLaunchStatement, CANCEL_UNSENT_RECIPIENTS, type RecipientLaunch, REQUEUE_RETRYABLE_FAILURES } from './recipient-launch.queries.js';
import { CLAIM_PICKED, type ClaimResult, LOCK_CONTACTS, PICK_DUE, PICK_DUE_ONE, PRUNE_FREQUENCY_LEDGER, type RecipientClaim } from './recipient-claim.queries.js';
import { callingCodeZones } from './recipient-zone.js';
import { IS_RECIPIENT_LOCAL, RESOLVE_RECIPIENT_ZONES } from './recipient-zone.queries.js';
import {
  type ClaimedRecipient,
  CONFIRM_BEFORE_SEND,
  END_SEND_WINDOW_WAIT,
  BY_ID_PLAN_DEFAULTS,
  BY_ID_PLAN_SETTINGS,
  RECORD_ACCEPTED,
  RECORD_FAILED,
  RECORD_UNKNOWN,
  type RecoveredLease,
  RECOVER_EXPIRED_LEASES,
  RELEASE_UNSENT,
  REQUEUE,
  type SendOutcomes,
  WAIT_FOR_MESSAGING_LIMIT,
  WAIT_FOR_SEND_WINDOW,
} from './recipient-sends.queries.js';
import { ATTRIBUTE_MARKETING_OPT_OUTS, RECORD_ENGAGEMENT } from './recipient-engagement.queries.js';
import { buildAssignVariantsStatement, buildReleaseHeldStatement, VARIANT_RESULTS } from './recipient-variants.queries.js';
import type { RecordedReply } from './replies.queries.js';
import { type CampaignVariant, testBound, variantBounds, type VariantResult, type WinnerRule } from './variants.js';
import {
  APPLY_STATUS_EVENTS,
  FIND_RECIPIENTS,
  LOCK_RECIPIENTS,
  type MarketingLimitWait,
  type NewlyPriced,
  type RecipientStatusEvent,
  type StatusRecipient,
  type StatusRecipientRow,
  WAIT_FOR_MARKETING_LIMIT,
} from './recipient-statuses.queries.js';

import { ERASE_CONTACT_RECIPIENTS } from './recipient-erasure.queries.js';

export type { ClaimCampaign, ClaimResult, RecipientClaim } from './recipient-claim.queries.js';

/**
 * The only code that writes campaign_recipients (campaign_counters follow through the trigger of migration CampaignCounterTrigger, inside the same statements).
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class RecipientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Launch and user actions (campaigns/) ──
  // (methods of this section go below this line)
  /** Erasure of a contact: its recipients keep their rows without what names the person (recipient-erasure.queries.ts). */
  async eraseContact(contactId: string, db: EntityManager): Promise<number> {
    return execute(db, ERASE_CONTACT_RECIPIENTS, [contactId]);
  }

  /**
   * Freezes the campaign's audience into recipients (placeholders rendered, ineligible members kept as
   * skipped with their reason), in the caller's launch transaction. Returns how many were inserted.
   */
  launch(launch: RecipientLaunch, db: EntityManager): Promise<number> {
    const statement = buildLaunchStatement(launch);
    return execute(db, statement.sql, statement.parameters);
  }

  /** A cancelled campaign's recipients not sent yet (pending) become cancelled. */
  async cancelUnsent(campaignId: string, db: EntityManager): Promise<void> {
    await db.query(CANCEL_UNSENT_RECIPIENTS, [campaignId]);
  }

  /** Failed recipients whose error is retryable (or who got no answer) go back to pending; returns how many. */
  requeueRetryableFailures(requeue: { campaignId: string; retryableErrorCodes: readonly number[] }, db: EntityManager): Promise<number> {
    return execute(db, REQUEUE_RETRYABLE_FAILURES, [requeue.campaignId, requeue.retryableErrorCodes]);
  }

  /**
   * A campaign whose send window is in recipient-local time: each pending recipient's zone is resolved
   * once, now (RESOLVE_RECIPIENT_ZONES), so the claim evaluates the window per row. Nothing for others.
   */
  async resolveRecipientZones(campaignId: string, db: EntityManager): Promise<number> {
    const [local] = (await db.query(IS_RECIPIENT_LOCAL, [campaignId])) as unknown[];
    if (!local) return 0;
    const table = callingCodeZones();
    return execute(db, RESOLVE_RECIPIENT_ZONES, [campaignId, table.map((entry) => entry.callingCode), table.map((entry) => entry.zone)]);
  }

  // ·

  // ── Sending (sender/) ──
  // (methods of this section go below this line)

  /**
   * Claims up to `limit` due recipients of the given running campaigns for `leaseSeconds`, under
   * `claimId`, at `now` (see recipient-claim.queries.ts): returns the rows to send (`sending`) and those
   * skipped now; rows that must wait are written waiting and not returned. `budget`: how many rows that
   * open a new conversation may go (messaging limit); null: no limit. Runs in the caller's transaction
   * (`db`), else in its own: the contact locks last until it ends.
   */
  async claimForSending(claim: RecipientClaim, db?: EntityManager): Promise<ClaimResult> {
    if (!db) return this.dataSource.transaction((manager) => this.claimForSending(claim, manager));
    // An A/B test's campaign comes once per variant.
    const campaignIds = [...new Set(claim.campaigns.map((c) => c.id))];
    const picked = (
      campaignIds.length === 1
        ? await db.query(PICK_DUE_ONE, [campaignIds[0], claim.limit, claim.now])
        : await db.query(PICK_DUE, [campaignIds, claim.limit, claim.now])
    ) as Array<{ id: string; contact_id: string }>;
    if (picked.length === 0) return { claimed: [], picked: 0, waited: 0 };
    await db.query(LOCK_CONTACTS, [[...new Set(picked.map((row) => row.contact_id))]]);
    await db.query(BY_ID_PLAN_SETTINGS);
    const [rows] = (await db.query(CLAIM_PICKED, [
      picked.map((row) => row.id),
      claim.leaseSeconds,
      claim.claimId,
      claim.now,
      claim.campaigns.map((c) => c.id),
      claim.campaigns.map((c) => c.frequencyCap?.max ?? null),
      claim.campaigns.map((c) => c.frequencyCap?.hours ?? null),
      claim.campaigns.map((c) => c.marketing),
      claim.budget,
      claim.campaigns.map((c) => c.variant ?? null),
      claim.unknownOutcomeMaxWaitSeconds ?? 3600,
    ])) as [Array<ClaimedRecipient | (Omit<ClaimedRecipient, 'status'> & { status: 'pending' })>, number];
    await db.query(BY_ID_PLAN_DEFAULTS);
    const claimed = rows.filter((row): row is ClaimedRecipient => row.status !== 'pending');
    return { claimed, picked: picked.length, waited: rows.length - claimed.length };
  }

  /** Deletes up to `batch` frequency-ledger rows too old to count for any cap; returns how many. */
  async pruneFrequencyLedger(batch = 10_000, db?: EntityManager): Promise<number> {
    const [, deleted] = (await (db ?? this.dataSource).query(PRUNE_FREQUENCY_LEDGER, [FREQUENCY_CAP_HOURS, batch])) as [unknown[], number];
    return deleted;
  }

  /** Right before a batch goes out: the ids of `ids` that this claim still owns and may send now (see CONFIRM_BEFORE_SEND). */
  async confirmBeforeSend(batch: { ids: string[]; campaignIds: string[]; leaseSeconds: number; claimId: string }, db?: EntityManager): Promise<string[]> {
    const [rows] = (await (db ?? this.dataSource).query(CONFIRM_BEFORE_SEND, [batch.ids, batch.leaseSeconds, batch.claimId, batch.campaignIds])) as [
      Array<{ id: string }>,
      number,
    ];
    return rows.map((row) => row.id);
  }

  /** Writes a buffer of send outcomes, each kind with one set-based statement, in one transaction (the caller's `db`, else its own). */
  async recordSendOutcomes(outcomes: SendOutcomes, db?: EntityManager): Promise<void> {
    const { accepted, failed, requeued, unknown } = outcomes;
    // A transaction even for one kind: the plan settings (BY_ID_PLAN_SETTINGS) are SET LOCAL.
    if (!db) return this.dataSource.transaction((manager) => this.recordSendOutcomes(outcomes, manager));
    await db.query(BY_ID_PLAN_SETTINGS);
    const ids = (list: Array<{ id: string }>) => list.map((o) => o.id);
    if (accepted.length) await db.query(RECORD_ACCEPTED, [ids(accepted), accepted.map((o) => o.messageId), accepted.map((o) => o.sentAt.toISOString())]);
    if (failed.length) await db.query(RECORD_FAILED, [ids(failed), failed.map((o) => o.claimId), failed.map((o) => o.code), failed.map((o) => o.title)]);
    if (requeued.length) {
      await db.query(REQUEUE, [
        ids(requeued),
        requeued.map((o) => o.claimId),
        requeued.map((o) => Math.round(o.delayMs)),
        requeued.map((o) => (o.uncount ? 1 : 0)),
        requeued.map((o) => o.reason),
        requeued.map((o) => o.code),
        requeued.map((o) => o.title),
      ]);
    }
    if (unknown.length) await db.query(RECORD_UNKNOWN, [ids(unknown), unknown.map((o) => o.claimId), unknown.map((o) => o.title)]);
    await db.query(BY_ID_PLAN_DEFAULTS);
  }

  /** Gives back rows of one claim that were never handed to 360dialog (see RELEASE_UNSENT). */
  async releaseUnsent(rows: { ids: string[]; claimId: string }, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource).query(RELEASE_UNSENT, [rows.ids, rows.claimId]);
  }

  /** Rows whose send lease ran out, handed back or marked per RECOVER_EXPIRED_LEASES. */
  async recoverExpiredLeases(
    policy: { graceSeconds: number; onPremisePolicy: 'mark_unknown' | 'resend' },
    db?: EntityManager,
  ): Promise<RecoveredLease[]> {
    const [rows] = (await (db ?? this.dataSource).query(RECOVER_EXPIRED_LEASES, [policy.graceSeconds, policy.onPremisePolicy])) as [
      RecoveredLease[],
      number,
    ];
    return rows;
  }

  /** The channel's messaging limit is used up: the campaigns' due recipients wait until `until`. */
  async waitForMessagingLimit(wait: { campaignIds: string[]; until: Date }, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource).query(WAIT_FOR_MESSAGING_LIMIT, [wait.campaignIds, wait.until]);
  }

  /** The campaign's send window is closed: its due recipients wait until it opens. Returns how many rows now wait for `opensAt`. */
  async waitForSendWindow(wait: { campaignId: string; opensAt: Date }, db?: EntityManager): Promise<number> {
    const [, moved] = (await (db ?? this.dataSource).query(WAIT_FOR_SEND_WINDOW, [wait.campaignId, wait.opensAt])) as [unknown[], number];
    return moved;
  }

  /** The campaigns' send windows are open (or gone): recipients still waiting for an opening are due at once. */
  async endSendWindowWait(campaignIds: string[], db?: EntityManager): Promise<number> {
    const [, moved] = (await (db ?? this.dataSource).query(END_SEND_WINDOW_WAIT, [campaignIds])) as [unknown[], number];
    return moved;
  }

  // ·

  // ── Delivery statuses (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * The recipients statuses may name (FIND_RECIPIENTS): those with one of `messageIds`, and those with
   * one of `recipientIds` (from the statuses' callback data), whatever their channel: the caller
   * matches channels.
   */
  async findForStatuses(by: { messageIds: readonly string[]; recipientIds: readonly string[] }, db: EntityManager): Promise<StatusRecipient[]> {
    const rows: StatusRecipientRow[] = await db.query(FIND_RECIPIENTS, [by.messageIds, by.recipientIds]);
    return rows.map((row) => ({
      id: row.id,
      messageId: row.message_id,
      channelId: row.channel_id,
      campaignId: row.campaign_id,
      contactId: row.contact_id,
      waId: row.wa_id,
      attempts: row.attempts,
      marketingLimitRetries: row.marketing_limit_retries,
      validUntil: row.valid_until ? new Date(row.valid_until) : null,
      dispatchedAt: row.dispatched_at ? new Date(row.dispatched_at) : null,
    }));
  }

  /** Locks the recipients a batch of statuses will move, in id order (LOCK_RECIPIENTS): concurrent batches cannot deadlock. */
  async lockForStatuses(recipientIds: readonly string[], db: EntityManager): Promise<void> {
    await db.query(LOCK_RECIPIENTS, [recipientIds]);
  }

  /**
   * Moves recipients by the status events seen for the first time, aggregated per recipient, forward
   * only (APPLY_STATUS_EVENTS: rank, milestone times, current failure, message id learned from the
   * callback data). Call lockForStatuses first, in the same transaction. Returns the messages whose
   * pricing was stored now: each message id once, whichever of its statuses carried the pricing.
   */
  async applyStatusEvents(events: readonly RecipientStatusEvent[], db: EntityManager): Promise<NewlyPriced[]> {
    const rows = (await db.query(APPLY_STATUS_EVENTS, [
      events.map((event) => event.recipientId),
      events.map((event) => event.messageId),
      events.map((event) => event.status),
      events.map((event) => event.occurredAt),
      events.map((event) => event.errorCode),
      events.map((event) => event.errorTitle),
      events.map((event) => event.pricing?.category ?? null),
      events.map((event) => event.pricing?.model ?? null),
      events.map((event) => event.pricing?.type ?? null),
      events.map((event) => event.pricing?.billable ?? null),
      events.map((event) => event.userId),
    ])) as NewlyPricedRow[];
    return rows.map((row) => ({ channelId: row.channel_id, waId: row.wa_id, category: row.pricing_category, type: row.pricing_type, billable: row.billable }));
  }

  /** 131049 on a failed status: these recipients wait for a retry (WAIT_FOR_MARKETING_LIMIT). Returns the campaigns of those that now wait. */
  async waitForMarketingLimit(waits: readonly MarketingLimitWait[], db: EntityManager): Promise<string[]> {
    if (waits.length === 0) return [];
    const [rows] = (await db.query(WAIT_FOR_MARKETING_LIMIT, [
      waits.map((wait) => wait.recipientId),
      waits.map((wait) => wait.messageId),
      waits.map((wait) => wait.retryAt),
    ])) as [Array<{ campaign_id: string }>, number];
    return [...new Set(rows.map((row) => row.campaign_id))];
  }

  // ·

  // ── Engagement (webhooks/) ──
  // (methods of this section go below this line)

  /** Replies just recorded (RepliesRepository): first reply, first click and opt-out on their recipients (RECORD_ENGAGEMENT), locked in id order. */
  async recordEngagement(replies: readonly RecordedReply[], db: EntityManager): Promise<void> {
    if (replies.length === 0) return;
    await this.lockForStatuses([...new Set(replies.map((reply) => reply.recipientId))], db);
    await db.query(RECORD_ENGAGEMENT, [
      replies.map((reply) => reply.recipientId),
      replies.map((reply) => reply.at),
      replies.map((reply) => reply.button),
      replies.map((reply) => reply.optOut),
    ]);
  }

  /** 131050 on these messages (a status, or a send answer): the campaign message each person got before it is marked opted out (ATTRIBUTE_MARKETING_OPT_OUTS). */
  async attributeMarketingOptOuts(
    optOuts: ReadonlyArray<{ channelId: string; waId: string; at: Date; failingRecipientId: string }>,
    windowHours: number,
    db?: EntityManager,
  ): Promise<void> {
    if (optOuts.length === 0) return;
    await (db ?? this.dataSource).query(ATTRIBUTE_MARKETING_OPT_OUTS, [
      optOuts.map((optOut) => optOut.channelId),
      optOuts.map((optOut) => optOut.waId),
      optOuts.map((optOut) => optOut.at),
      optOuts.map((optOut) => optOut.failingRecipientId),
      windowHours,
    ]);
  }

  // ·

  // ── A/B variants (campaigns/) ──
  // (methods of this section go below this line)

  /**
   * Right after launch, in its transaction: every recipient gets its variant (or is held for the
   * winner) and its variant's template rendered into its components, in one statement.
   */
  async assignVariants(
    campaign: { campaignId: string; channelId: string; variants: readonly CampaignVariant[]; winner: WinnerRule | null },
    db: EntityManager,
  ): Promise<void> {
    const statement = buildAssignVariantsStatement({
      campaignId: campaign.campaignId,
      channelId: campaign.channelId,
      variants: campaign.variants,
      bounds: variantBounds(campaign.variants.map((variant) => variant.weight)),
      testBound: testBound(campaign.winner),
    });
    await db.query(statement.sql, statement.parameters);
  }

  /** The recipients held for the winner get its variant (rendered) and are due now; returns how many rows changed. */
  async releaseHeldToWinner(campaign: { campaignId: string; channelId: string; variant: CampaignVariant }, db: EntityManager): Promise<number> {
    const statement = buildReleaseHeldStatement({ ...campaign, variant: campaign.variant.name, template: campaign.variant.template });
    const [, changed] = (await db.query(statement.sql, statement.parameters)) as [unknown[], number];
    return changed;
  }

  /** Sent, read, replied and clicked per variant so far (the winner's input). */
  async variantResults(campaignId: string, db: EntityManager): Promise<VariantResult[]> {
    return (await db.query(VARIANT_RESULTS, [campaignId])) as VariantResult[];
  }

  // ·
}

interface NewlyPricedRow {
  channel_id: string;
  wa_id: string;
  pricing_category: string | null;
  pricing_type: string | null;
  billable: boolean | null;
}
