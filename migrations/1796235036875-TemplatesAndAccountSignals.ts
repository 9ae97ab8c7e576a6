import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13: the template registry (templates, per channel), what WhatsApp says about a channel
 * (channel_events, and the latest on channels), pricing and user ids from statuses, the marketing
 * opt-out WhatsApp reports, and the campaign's template-check escape and validity.
 * Generated, then reviewed: TypeORM also emitted a no-op `attributes SET DEFAULT '{}'::jsonb`, dropped.
 * Every new column is nullable or has a constant default: no table is rewritten (PostgreSQL 11+ stores a
 * constant default in the catalogue).
 */
export class TemplatesAndAccountSignals1796235036875 implements MigrationInterface {
    name = 'TemplatesAndAccountSignals1796235036875'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "channel_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "channel_id" uuid NOT NULL, "kind" text NOT NULL, "detail" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_539b00cdda7ba74bee34aa21b91" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_channel_events_channel" ON "channel_events"  ("channel_id", "id") `);
        await queryRunner.query(`CREATE TABLE "templates" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "channel_id" uuid NOT NULL, "name" text NOT NULL, "language" text NOT NULL, "status" text NOT NULL, "category" text, "parameter_format" text NOT NULL DEFAULT 'POSITIONAL', "namespace" text, "components" jsonb NOT NULL DEFAULT '[]'::jsonb, "external_id" text, "status_reason" text, "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_templates_channel_name_language" ON "templates"  ("channel_id", "name", "language") `);
        await queryRunner.query(`ALTER TABLE "channels" ADD "templates_synced_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "channels" ADD "quality_rating" text`);
        await queryRunner.query(`ALTER TABLE "channels" ADD "whatsapp_messaging_limit" integer`);
        await queryRunner.query(`ALTER TABLE "channels" ADD "last_account_event" jsonb`);
        await queryRunner.query(`ALTER TABLE "contacts" ADD "marketing_opted_out_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "contacts" ADD "user_id" text`);
        await queryRunner.query(`ALTER TABLE "campaigns" ADD "skip_template_check" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "campaigns" ADD "valid_until" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "campaigns" ADD "template_notice" text`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "pricing_category" text`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "pricing_model" text`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "pricing_type" text`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "billable" boolean`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "user_id" text`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "marketing_limit_retries" integer NOT NULL DEFAULT 0`);
        await queryRunner.query(`ALTER TABLE "channel_events" ADD CONSTRAINT "FK_faafb9e7061ebe616c2c6ff8c9c" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "templates" ADD CONSTRAINT "FK_8e92441ba429d17f662f13b77d6" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "templates" DROP CONSTRAINT "FK_8e92441ba429d17f662f13b77d6"`);
        await queryRunner.query(`ALTER TABLE "channel_events" DROP CONSTRAINT "FK_faafb9e7061ebe616c2c6ff8c9c"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "marketing_limit_retries"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "user_id"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "billable"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "pricing_type"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "pricing_model"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "pricing_category"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "template_notice"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "valid_until"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP COLUMN "skip_template_check"`);
        await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "user_id"`);
        await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "marketing_opted_out_at"`);
        await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "last_account_event"`);
        await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "whatsapp_messaging_limit"`);
        await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "quality_rating"`);
        await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "templates_synced_at"`);
        await queryRunner.query(`DROP INDEX "public"."uq_templates_channel_name_language"`);
        await queryRunner.query(`DROP TABLE "templates"`);
        await queryRunner.query(`DROP INDEX "public"."ix_channel_events_channel"`);
        await queryRunner.query(`DROP TABLE "channel_events"`);
    }

}
