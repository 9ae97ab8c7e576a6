import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Generated, then reviewed: TypeORM also emitted a no-op `attributes SET DEFAULT '{}'::jsonb`, dropped.
 * phone and wa_id hold ASCII digits (and '+'), so byte order is their order under any collation.
 * Under the database's default collation (C.UTF-8 on Debian, en_US… elsewhere) every comparison went
 * through strcoll: a perf profile of the import's writer showed string comparison as its largest cost
 * (strcmp, _bt_compare, varstr_cmp, strcoll_l, memmove of the copies). "C" compares with memcmp.
 * The indexes on both columns are rebuilt; the rows are not rewritten.
 */
export class ContactsPhoneCollationC1795759833287 implements MigrationInterface {
    name = 'ContactsPhoneCollationC1795759833287'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "phone" TYPE text COLLATE "C"`);
        await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "wa_id" TYPE text COLLATE "C"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "wa_id" TYPE text COLLATE pg_catalog."default"`);
        await queryRunner.query(`ALTER TABLE "contacts" ALTER COLUMN "phone" TYPE text COLLATE pg_catalog."default"`);
    }

}
