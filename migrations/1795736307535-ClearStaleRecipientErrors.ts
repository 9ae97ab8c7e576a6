import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written data fix. Until the webhook processor cleared them, a recipient that failed and was
 * then delivered or read (statuses arrive out of order), or that was waiting to retry after a send
 * error when a `sent` status arrived, kept failed_at / error_code / error_title on a row that is not
 * failed: `?errorCode=` and the CSV showed delivered people as errored. Those fields describe the
 * current failure only (webhooks.queries.ts, failureField); the history is in message_events.
 * campaign_counters need no change: the error:* keys count failed recipients only.
 */
export class ClearStaleRecipientErrors1795736307535 implements MigrationInterface {
  name = 'ClearStaleRecipientErrors1795736307535';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE campaign_recipients SET failed_at = NULL, error_code = NULL, error_title = NULL
      WHERE status IN ('sent', 'delivered', 'read')
        AND (failed_at IS NOT NULL OR error_code IS NOT NULL OR error_title IS NOT NULL)`);
  }

  public async down(): Promise<void> {
    // The cleared values were wrong; there is nothing to restore.
  }
}
