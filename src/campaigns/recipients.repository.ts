import { Injectable } from '@nestjs/common';
import { execute } from '../database/sql.js';
import { buildLaunchStatement, CANCEL_UNSENT_RECIPIENTS, type RecipientLaunch, REQUEUE_RETRYABLE_FAILURES } from './recipient-launch.queries.js';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';

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

  // ·
}
