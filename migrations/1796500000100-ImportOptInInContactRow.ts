import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 (import speed): two per-contact writes of an import go, with what they gave kept.
 *
 * - contacts.opt_in_event_in_row: the contact's opt-in event is its own opted_in_at / opt_in_source /
 *   opt_in_proof, not a consent_events row. An import sets it on the contacts it creates (instead of one
 *   consent_events row each: a heap row and two index entries per contact, a fifth of the merge). The
 *   only writer that replaces those columns (OPT_IN_CONTACT) first writes them out as a consent_events row
 *   and clears the flag, so the values are the event's for as long as the flag is set. The view
 *   consent_history is the history: consent_events plus these events. An in-row event sorts before the
 *   contact's stored events of the same occurred_at, as it was recorded first (the contact's creation).
 *
 * - ix_contacts_wa_id goes (a quarter of the cost of inserting a contact): wa_id is the digits of the
 *   E.164 phone (contacts/wa-id.ts), now a CHECK, so the inbound lookups by wa_id probe uq_contacts_phone
 *   with '+' || wa_id instead (contacts/inbound.queries.ts).
 */
export class ImportOptInInContactRow1796500000100 implements MigrationInterface {
  name = 'ImportOptInInContactRow1796500000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contacts" ADD "opt_in_event_in_row" boolean NOT NULL DEFAULT false`);
    // An event needs its time and source (consent_events.occurred_at and source are NOT NULL).
    await queryRunner.query(
      `ALTER TABLE "contacts" ADD CONSTRAINT "CHK_contacts_opt_in_event_in_row" CHECK (NOT "opt_in_event_in_row" OR ("opted_in_at" IS NOT NULL AND "opt_in_source" IS NOT NULL))`,
    );
    await queryRunner.query(`
      CREATE VIEW "consent_history" AS
        SELECT e.id, e.contact_id, e.kind, e.source, e.proof, e.occurred_at, e.created_at FROM consent_events e
        UNION ALL
        SELECT NULL::bigint, c.id, 'opt_in', c.opt_in_source, c.opt_in_proof, c.opted_in_at, c.created_at FROM contacts c
        WHERE c.opt_in_event_in_row`);
    await queryRunner.query(`ALTER TABLE "contacts" ADD CONSTRAINT "CHK_contacts_wa_id_is_phone_digits" CHECK ("phone" = '+' || "wa_id")`);
    await queryRunner.query(`DROP INDEX "ix_contacts_wa_id"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_contacts_wa_id" ON "contacts" ("wa_id")`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "CHK_contacts_wa_id_is_phone_digits"`);
    // Events held in contact rows become consent_events rows again before the column goes.
    await queryRunner.query(`
      INSERT INTO "consent_events" ("contact_id", "kind", "source", "proof", "occurred_at", "created_at")
      SELECT id, 'opt_in', opt_in_source, opt_in_proof, opted_in_at, created_at FROM contacts WHERE opt_in_event_in_row ORDER BY id`);
    await queryRunner.query(`DROP VIEW "consent_history"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP CONSTRAINT "CHK_contacts_opt_in_event_in_row"`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "opt_in_event_in_row"`);
  }
}
