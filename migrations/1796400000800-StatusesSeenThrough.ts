import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 (fewer duplicates when webhooks are late): channels.statuses_seen_through, a per-channel
 * watermark of the status webhooks. Invariant: when it holds a time T, a status webhook has been applied
 * (committed) for a message of this channel dispatched at T, so the channel's webhooks were flowing for
 * messages sent up to T. It only moves forward, and it may lag behind (written after the status's batch
 * commits, best effort): a lagging watermark only makes an unknown outcome wait longer, never resends
 * too early. The sender's claim (recipient-claim.queries.ts, CLAIM_PICKED) resends a Cloud recipient whose
 * outcome is unknown only when this is later than the recipient's dispatched_at. NULL: no status seen yet.
 */
export class StatusesSeenThrough1796400000800 implements MigrationInterface {
  name = 'StatusesSeenThrough1796400000800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "statuses_seen_through" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "statuses_seen_through"`);
  }
}
