import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, engagement and A/B variants (hand-written):
 * - campaign_replies: every inbound message attributed to a campaign message, once per inbound message
 *   id (the unique key is the webhook-redelivery guard: a replayed message inserts nothing and so counts
 *   nothing twice);
 * - campaign_recipients.opted_out_at: the contact opted out (keyword, 131050) after this campaign message;
 * - indexes for the recency attribution (latest campaign message to a wa_id on a channel) and for
 *   counting replies, clicks and opt-outs per campaign without scanning its recipients;
 * - campaigns.variants / winner / winner_variant / winner_picked_at: the A/B test and its outcome.
 */
export class CampaignRepliesAndVariants1796400000500 implements MigrationInterface {
  name = 'CampaignRepliesAndVariants1796400000500';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "opted_out_at" TIMESTAMP WITH TIME ZONE`);
    // Recency attribution: the latest message sent to this person on this channel before a reply.
    await queryRunner.query(
      `CREATE INDEX "ix_campaign_recipients_wa_sent" ON "campaign_recipients" ("channel_id", "wa_id", "sent_at") WHERE sent_at IS NOT NULL`,
    );
    // Report engagement counts: index-only ranges over the few recipients that answered, not the campaign.
    await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_opted_out" ON "campaign_recipients" ("campaign_id") WHERE opted_out_at IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE "campaign_replies" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "campaign_id" uuid NOT NULL,
        "recipient_id" bigint NOT NULL,
        "channel_id" uuid NOT NULL,
        "message_id" text NOT NULL,
        "wa_id" text NOT NULL,
        "phone" text NOT NULL,
        "type" text NOT NULL,
        "text" text,
        "button_kind" text,
        "button_payload" text,
        "button_text" text,
        "attribution" text NOT NULL,
        "opt_out" boolean NOT NULL DEFAULT false,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_campaign_replies" PRIMARY KEY ("id"),
        -- One row per inbound message, whatever the webhook redelivers.
        CONSTRAINT "uq_campaign_replies_message_id" UNIQUE ("message_id"),
        -- context: the message named campaign message in context.id; recent: the latest one within REPLY_ATTRIBUTION_HOURS.
        CONSTRAINT "ck_campaign_replies_attribution" CHECK ("attribution" IN ('context', 'recent')),
        CONSTRAINT "fk_campaign_replies_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_campaign_replies_recipient" FOREIGN KEY ("recipient_id") REFERENCES "campaign_recipients"("id") ON DELETE CASCADE
      )`);
    // Keyset listing per campaign (GET /v1/campaigns/:id/replies) and the per-button counts.
    await queryRunner.query(`CREATE INDEX "ix_campaign_replies_campaign_id" ON "campaign_replies" ("campaign_id", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_campaign_replies_recipient_id" ON "campaign_replies" ("recipient_id")`);

    await queryRunner.query(`ALTER TABLE "campaigns" ADD "variants" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "winner" jsonb`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "winner_variant" text`);
    await queryRunner.query(`ALTER TABLE "campaigns" ADD "winner_picked_at" TIMESTAMP WITH TIME ZONE`);
    // The scheduler's search for A/B tests whose winner is due.
    await queryRunner.query(
      `CREATE INDEX "ix_campaigns_winner_due" ON "campaigns" ("launched_at") WHERE winner IS NOT NULL AND winner_picked_at IS NULL AND status = 'running'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_campaigns_winner_due"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "winner_picked_at"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "winner_variant"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "winner"`);
    await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "variants"`);
    await queryRunner.query(`DROP TABLE "campaign_replies"`);
    await queryRunner.query(`DROP INDEX "ix_campaign_recipients_opted_out"`);
    await queryRunner.query(`DROP INDEX "ix_campaign_recipients_wa_sent"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "opted_out_at"`);
  }
}
