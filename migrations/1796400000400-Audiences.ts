import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, audiences: a campaign reaches an audience (lists, exclusions, conditions, an earlier
 * campaign's recipients, a saved segment) instead of exactly one list; segments save named audiences.
 * No table is rewritten: the new columns are nullable, the new indexes are partial and small.
 */
export class Audiences1796400000400 implements MigrationInterface {
  name = 'Audiences1796400000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Named audiences. The audience JSON is validated by audiences/audience-rules.ts before it is stored;
    // a segment never names another segment (no loop can form).
    await queryRunner.query(`CREATE TABLE "segments" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" text NOT NULL,
      "audience" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_beff1eec19679fe8ad4f291f04e" PRIMARY KEY ("id"))`);
    // One segment per name: a segment is picked by its name in a user interface.
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_segments_name" ON "segments" ("name")`);

    // A campaign names a list (the shorthand) or an audience; at least one of them, so a launch always
    // knows whom to reach.
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "audience" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaigns" ALTER COLUMN "list_id" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "campaigns" ADD CONSTRAINT "ck_campaigns_list_or_audience" CHECK ("list_id" IS NOT NULL OR "audience" IS NOT NULL)`,
    );

    // Retargeting those who replied or clicked a button reads only those recipients of the earlier
    // campaign (few: engagement is rare). Partial: launches insert NULLs, so they add no index entries.
    await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_replied" ON "campaign_recipients" ("campaign_id") WHERE replied_at IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "ix_campaign_recipients_clicked" ON "campaign_recipients" ("campaign_id", "clicked_button") WHERE clicked_button IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_clicked"`);
    await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_replied"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "ck_campaigns_list_or_audience"`);
    await queryRunner.query(`ALTER TABLE "campaigns" ALTER COLUMN "list_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "audience"`);
    await queryRunner.query(`DROP INDEX "public"."uq_segments_name"`);
    await queryRunner.query(`DROP TABLE "segments"`);
  }
}
