import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the sender's claim needs to decide WHEN a recipient may go (issues 14 and 16):
 * - campaign_recipients.timezone: the recipient's IANA zone, resolved once at launch for a campaign whose
 *   send window is in recipient-local time (NULL otherwise); the claim evaluates the window with
 *   AT TIME ZONE on it, row by row, instead of scanning.
 * - campaigns.frequency_cap: the campaign's own {max, hours} (NULL: MARKETING_FREQUENCY_CAP applies).
 * - frequency_ledger: one row per recipient claimed for a MARKETING template, stamped at claim. The
 *   invariant it carries: for every contact, the rows counted in any window of a cap's hours never exceed
 *   the cap's max. Rows are read and written only by the claim, under a per-contact advisory lock taken
 *   in a statement before the one that counts (recipient-sends.queries.ts), so two workers claiming the
 *   same contact for two campaigns are serialised and the second one sees the first one's row.
 *   recipient_id is the key: a retry of the same recipient re-stamps its row and never counts twice.
 * - channel_pacing: the next slot (GCRA's theoretical arrival time) of a channel's paced messaging-limit
 *   budget (sender/pacing.ts), written only under the channel's messaging-limit advisory lock.
 */
export class ClaimRules1796400000300 implements MigrationInterface {
  name = 'ClaimRules1796400000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "timezone" text`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "frequency_cap" jsonb`);
    await queryRunner.query(`
      CREATE TABLE "frequency_ledger" (
        "recipient_id" bigint NOT NULL PRIMARY KEY REFERENCES "campaign_recipients" ("id") ON DELETE CASCADE,
        "contact_id" bigint NOT NULL,
        "counted_at" TIMESTAMP WITH TIME ZONE NOT NULL
      )`);
    // The claim counts a contact's rows of the last N hours: one index range per contact.
    await queryRunner.query(`CREATE INDEX "ix_frequency_ledger_contact" ON "frequency_ledger" ("contact_id", "counted_at")`);
    // Rows older than the longest cap (720 h) never count again: the sender prunes them by this index.
    await queryRunner.query(`CREATE INDEX "ix_frequency_ledger_counted_at" ON "frequency_ledger" ("counted_at")`);
    await queryRunner.query(`
      CREATE TABLE "channel_pacing" (
        "channel_id" uuid NOT NULL PRIMARY KEY REFERENCES "channels" ("id") ON DELETE CASCADE,
        "next_slot_at" TIMESTAMP WITH TIME ZONE NOT NULL
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "channel_pacing"`);
    await queryRunner.query(`DROP TABLE "frequency_ledger"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "frequency_cap"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "timezone"`);
  }
}
