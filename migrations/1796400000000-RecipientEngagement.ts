import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16's shared columns, landed first so audiences, engagement and variants build on one schema:
 * when a recipient first answered the campaign message, the first button it clicked, and the A/B variant
 * it was given at launch. All nullable: no table rewrite.
 */
export class RecipientEngagement1796400000000 implements MigrationInterface {
  name = 'RecipientEngagement1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "replied_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "clicked_button" text`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" ADD "variant" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "variant"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "clicked_button"`);
    await queryRunner.query(`ALTER TABLE "campaign_recipients" DROP COLUMN "replied_at"`);
  }
}
