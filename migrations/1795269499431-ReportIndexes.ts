import { MigrationInterface, QueryRunner } from "typeorm";

export class ReportIndexes1795269499431 implements MigrationInterface {
    name = 'ReportIndexes1795269499431'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_delivered_at" ON "campaign_recipients"  ("campaign_id", "delivered_at") WHERE delivered_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_error" ON "campaign_recipients"  ("campaign_id", "error_code", "id") WHERE error_code IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_waiting" ON "campaign_recipients"  ("campaign_id", "waiting_reason", "next_attempt_at") WHERE status = 'pending' AND waiting_reason IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_campaign_id" ON "campaign_recipients"  ("campaign_id", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_campaign_id"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_waiting"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_error"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_delivered_at"`);
    }

}
