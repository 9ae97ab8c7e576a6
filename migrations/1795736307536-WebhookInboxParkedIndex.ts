import { MigrationInterface, QueryRunner } from "typeorm";

export class WebhookInboxParkedIndex1795736307536 implements MigrationInterface {
    name = 'WebhookInboxParkedIndex1795736307536'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_webhook_inbox_parked" ON "webhook_inbox"  ("id") WHERE state = 'parked'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_webhook_inbox_parked"`);
    }

}
