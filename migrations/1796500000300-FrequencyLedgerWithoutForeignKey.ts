import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 (send speed): frequency_ledger loses its foreign key to campaign_recipients. The claim adds
 * one ledger row per MARKETING recipient it sends, and the key's check (a lookup of the recipient under
 * FOR KEY SHARE, per row) cost as much as the insert itself: 110 of 240 ms for 20,000 rows.
 *
 * Nothing relied on it: recipients are never deleted (an erasure blanks their fields), and every reader
 * joins the ledger to campaign_recipients (the claim's count, the audience preview), so a row whose
 * recipient were gone would count for nothing; the sender's pruning deletes it once it is older than
 * the longest cap (720 h), like any other.
 */
export class FrequencyLedgerWithoutForeignKey1796500000300 implements MigrationInterface {
  name = 'FrequencyLedgerWithoutForeignKey1796500000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "frequency_ledger" DROP CONSTRAINT "frequency_ledger_recipient_id_fkey"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Rows whose recipient is gone cannot come back under the key.
    await queryRunner.query(`DELETE FROM "frequency_ledger" f WHERE NOT EXISTS (SELECT 1 FROM "campaign_recipients" r WHERE r.id = f.recipient_id)`);
    await queryRunner.query(
      `ALTER TABLE "frequency_ledger" ADD CONSTRAINT "frequency_ledger_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "campaign_recipients" ("id") ON DELETE CASCADE`,
    );
  }
}
