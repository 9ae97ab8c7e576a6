import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the 360dialog set-up: a channel may send MARKETING templates through the Marketing Messages
 * API (with or without falling back to /messages on 131055) and may carry its 360dialog Partner API
 * channel id (key rotation); a campaign may set Meta's message_send_ttl_seconds. Defaults keep every
 * existing row as it behaved before; no table rewrite (constant defaults, nullable columns).
 */
export class ChannelMarketingMessagesAndPartner1796400000200 implements MigrationInterface {
  name = 'ChannelMarketingMessagesAndPartner1796400000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "marketing_messages_api" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "marketing_messages_fallback" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "channels" ADD "partner_channel_id" text`);
    // Meta accepts 12 h to 30 days for marketing templates; the API checks it too, this keeps any other writer honest.
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "ttl_seconds" integer`);
    await queryRunner.query(
      `ALTER TABLE "campaigns" ADD CONSTRAINT "ck_campaigns_ttl_seconds" CHECK ("ttl_seconds" IS NULL OR "ttl_seconds" BETWEEN 43200 AND 2592000)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "ck_campaigns_ttl_seconds"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "ttl_seconds"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "partner_channel_id"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "marketing_messages_fallback"`);
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "marketing_messages_api"`);
  }
}
