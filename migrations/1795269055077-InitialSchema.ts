import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795269055077 implements MigrationInterface {
    name = 'InitialSchema1795269055077'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "channels" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "phone_number" text NOT NULL, "api_generation" text NOT NULL, "base_url" text NOT NULL, "api_key_encrypted" text NOT NULL, "api_key_last4" text NOT NULL, "template_namespace" text, "messages_per_second" integer NOT NULL, "messaging_limit" integer, "webhook_username" text NOT NULL, "webhook_password_hash" text NOT NULL, "webhook_registered_at" TIMESTAMP WITH TIME ZONE, "paused_reason" text, "throttled_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bc603823f3f741359c2339389f9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "contacts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "phone" text NOT NULL, "wa_id" text NOT NULL, "first_name" text, "last_name" text, "language" text, "country" text, "attributes" jsonb NOT NULL DEFAULT '{}'::jsonb, "opted_in_at" TIMESTAMP WITH TIME ZONE, "opt_in_source" text, "opt_in_proof" text, "opted_out_at" TIMESTAMP WITH TIME ZONE, "opt_out_reason" text, "last_inbound_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b99cd40cfd66a99f1571f4f72e6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_contacts_phone" ON "contacts"  ("phone") `);
        await queryRunner.query(`CREATE INDEX "ix_contacts_wa_id" ON "contacts"  ("wa_id") `);
        await queryRunner.query(`CREATE TABLE "consent_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "contact_id" bigint NOT NULL, "kind" text NOT NULL, "source" text NOT NULL, "proof" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40ecc066035b8a4e5a6dcdfb46e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_consent_events_contact" ON "consent_events"  ("contact_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "lists" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_268b525e9a6dd04d0685cb2aaaa" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_lists_name" ON "lists"  ("name") `);
        await queryRunner.query(`CREATE TABLE "list_members" ("list_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_094edfb966fee675500404c499c" PRIMARY KEY ("list_id", "contact_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_list_members_contact" ON "list_members"  ("contact_id") `);
        await queryRunner.query(`CREATE TABLE "campaigns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "channel_id" uuid NOT NULL, "list_id" uuid NOT NULL, "template" jsonb NOT NULL, "scheduled_at" TIMESTAMP WITH TIME ZONE, "send_window" jsonb, "status" text NOT NULL, "paused_reason" text, "failure_reason" text, "launched_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_campaigns_due" ON "campaigns"  ("scheduled_at") WHERE status = 'scheduled'`);
        await queryRunner.query(`CREATE TABLE "campaign_recipients" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "campaign_id" uuid NOT NULL, "channel_id" uuid NOT NULL, "contact_id" bigint NOT NULL, "phone" text NOT NULL, "wa_id" text NOT NULL, "components" jsonb, "status" text NOT NULL, "skip_reason" text, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "waiting_reason" text, "lease_until" TIMESTAMP WITH TIME ZONE, "message_id" text, "error_code" integer, "error_title" text, "sent_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "read_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_30d346f6af084aa7b916945a4f1" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_campaign_recipients_message_id" ON "campaign_recipients"  ("message_id") WHERE message_id IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_sent_at" ON "campaign_recipients"  ("campaign_id", "sent_at") WHERE sent_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_status" ON "campaign_recipients"  ("campaign_id", "status", "id") `);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_lease" ON "campaign_recipients"  ("lease_until") WHERE status = 'sending'`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_recipients_due" ON "campaign_recipients"  ("campaign_id", "next_attempt_at", "id") WHERE status = 'pending'`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_campaign_recipients_contact" ON "campaign_recipients"  ("campaign_id", "contact_id") `);
        await queryRunner.query(`CREATE TABLE "imports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" text NOT NULL, "list_id" uuid, "file_name" text, "default_country" text, "opt_in_source" text, "total_rows" integer NOT NULL DEFAULT '0', "imported" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "duplicates" integer NOT NULL DEFAULT '0', "rejected" integer NOT NULL DEFAULT '0', "failure_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ea10c62f5eb1d75e83d8b5225db" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "import_errors" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "import_id" uuid NOT NULL, "line" integer NOT NULL, "value" text, "reason" text NOT NULL, CONSTRAINT "PK_c65e36717920cb27df5578dc5ee" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_import_errors_import_line" ON "import_errors"  ("import_id", "line") `);
        await queryRunner.query(`CREATE TABLE "campaign_counters" ("campaign_id" uuid NOT NULL, "key" text NOT NULL, "shard" smallint NOT NULL, "count" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_34b0dd9f28078f5bb2d1d5695ed" PRIMARY KEY ("campaign_id", "key", "shard"))`);
        await queryRunner.query(`CREATE TABLE "message_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "message_id" text NOT NULL, "status" text NOT NULL, "recipient_id" bigint, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "error_code" integer, "error_title" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1ee7d4682c056e24ee0b00d1e3b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_message_events_message_status" ON "message_events"  ("message_id", "status") `);
        await queryRunner.query(`CREATE TABLE "webhook_inbox" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "channel_id" uuid NOT NULL, "body" text NOT NULL, "state" text NOT NULL DEFAULT 'pending', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "PK_4b63b831d1a843667b74f0a5fc3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_webhook_inbox_due" ON "webhook_inbox"  ("next_attempt_at", "id") WHERE state = 'pending'`);
        await queryRunner.query(`ALTER TABLE "consent_events" ADD CONSTRAINT "FK_8315d2b7252134101f78c4081af" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "list_members" ADD CONSTRAINT "FK_ca7284163c1588f439f829edfc8" FOREIGN KEY ("list_id") REFERENCES "lists"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "list_members" ADD CONSTRAINT "FK_231ff1b9e73b632f7ebea4e14cd" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "campaigns" ADD CONSTRAINT "FK_0c5c05e9855a8568446660c0fba" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "campaigns" ADD CONSTRAINT "FK_23add60703fc4c738a99aca81c7" FOREIGN KEY ("list_id") REFERENCES "lists"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD CONSTRAINT "FK_37f67f778844dcc3a0d641a6173" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "import_errors" ADD CONSTRAINT "FK_9926b1b4a42a17f2792b7852176" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "import_errors" DROP CONSTRAINT "FK_9926b1b4a42a17f2792b7852176"`);
        await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP CONSTRAINT "FK_37f67f778844dcc3a0d641a6173"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "FK_23add60703fc4c738a99aca81c7"`);
        await queryRunner.query(`ALTER TABLE "campaigns" DROP CONSTRAINT "FK_0c5c05e9855a8568446660c0fba"`);
        await queryRunner.query(`ALTER TABLE "list_members" DROP CONSTRAINT "FK_231ff1b9e73b632f7ebea4e14cd"`);
        await queryRunner.query(`ALTER TABLE "list_members" DROP CONSTRAINT "FK_ca7284163c1588f439f829edfc8"`);
        await queryRunner.query(`ALTER TABLE "consent_events" DROP CONSTRAINT "FK_8315d2b7252134101f78c4081af"`);
        await queryRunner.query(`DROP INDEX "public"."ix_webhook_inbox_due"`);
        await queryRunner.query(`DROP TABLE "webhook_inbox"`);
        await queryRunner.query(`DROP INDEX "public"."uq_message_events_message_status"`);
        await queryRunner.query(`DROP TABLE "message_events"`);
        await queryRunner.query(`DROP TABLE "campaign_counters"`);
        await queryRunner.query(`DROP INDEX "public"."ix_import_errors_import_line"`);
        await queryRunner.query(`DROP TABLE "import_errors"`);
        await queryRunner.query(`DROP TABLE "imports"`);
        await queryRunner.query(`DROP INDEX "public"."uq_campaign_recipients_contact"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_due"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_lease"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_status"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaign_recipients_sent_at"`);
        await queryRunner.query(`DROP INDEX "public"."uq_campaign_recipients_message_id"`);
        await queryRunner.query(`DROP TABLE "campaign_recipients"`);
        await queryRunner.query(`DROP INDEX "public"."ix_campaigns_due"`);
        await queryRunner.query(`DROP TABLE "campaigns"`);
        await queryRunner.query(`DROP INDEX "public"."ix_list_members_contact"`);
        await queryRunner.query(`DROP TABLE "list_members"`);
        await queryRunner.query(`DROP INDEX "public"."uq_lists_name"`);
        await queryRunner.query(`DROP TABLE "lists"`);
        await queryRunner.query(`DROP INDEX "public"."ix_consent_events_contact"`);
        await queryRunner.query(`DROP TABLE "consent_events"`);
        await queryRunner.query(`DROP INDEX "public"."ix_contacts_wa_id"`);
        await queryRunner.query(`DROP INDEX "public"."uq_contacts_phone"`);
        await queryRunner.query(`DROP TABLE "contacts"`);
        await queryRunner.query(`DROP TABLE "channels"`);
    }

}
