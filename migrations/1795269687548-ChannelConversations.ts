import { MigrationInterface, QueryRunner } from "typeorm";

export class ChannelConversations1795269687548 implements MigrationInterface {
    name = 'ChannelConversations1795269687548'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "channel_conversations" ("channel_id" uuid NOT NULL, "wa_id" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5d83ed562a6bccd4289adc7a584" PRIMARY KEY ("channel_id", "wa_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_channel_conversations_started" ON "channel_conversations"  ("channel_id", "started_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_channel_conversations_started"`);
        await queryRunner.query(`DROP TABLE "channel_conversations"`);
    }

}
