import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Generated (claim_id, dispatched_at on campaign_recipients), plus a hand-written backfill: rows that
 * are `sending` while this runs were claimed by an engine without these columns and may have been
 * handed to 360dialog, so they count as dispatched now (never treated as "claimed, never sent").
 */
export class SendClaims1795735487845 implements MigrationInterface {
    name = 'SendClaims1795735487845'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "claim_id" uuid`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "dispatched_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`UPDATE "campaign_recipients" SET "dispatched_at" = now() WHERE "status" = 'sending'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "dispatched_at"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "claim_id"`);
    }

}
