import { Injectable } from '@nestjs/common';
import { execute } from '../database/sql.js';
import { buildLaunchStatement, CANCEL_UNSENT_RECIPIENTS, type RecipientLaunch, REQUEUE_RETRYABLE_FAILURES } from './recipient-launch.queries.js';
import { DataSource, type EntityManager } from 'typeorm';
import {
  APPLY_STATUS_EVENTS,
  FIND_RECIPIENTS,
  LOCK_RECIPIENTS,
  type RecipientStatusEvent,
  type StatusRecipient,
  type StatusRecipientRow,
} from './recipient-statuses.queries.js';

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

  // ·

  // ── Sending (sender/) ──
  // (methods of this section go below this line)

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
    return rows.map((row) => ({ id: row.id, messageId: row.message_id, channelId: row.channel_id }));
  }

  /** Locks the recipients a batch of statuses will move, in id order (LOCK_RECIPIENTS): concurrent batches cannot deadlock. */
  async lockForStatuses(recipientIds: readonly string[], db: EntityManager): Promise<void> {
    await db.query(LOCK_RECIPIENTS, [recipientIds]);
  }

  /**
   * Moves recipients by the status events seen for the first time, aggregated per recipient, forward
   * only (APPLY_STATUS_EVENTS: rank, milestone times, current failure, message id learned from the
   * callback data). Call lockForStatuses first, in the same transaction.
   */
  async applyStatusEvents(events: readonly RecipientStatusEvent[], db: EntityManager): Promise<void> {
    await db.query(APPLY_STATUS_EVENTS, [
      events.map((event) => event.recipientId),
      events.map((event) => event.messageId),
      events.map((event) => event.status),
      events.map((event) => event.occurredAt),
      events.map((event) => event.errorCode),
      events.map((event) => event.errorTitle),
    ]);
  }

  // ·
}
