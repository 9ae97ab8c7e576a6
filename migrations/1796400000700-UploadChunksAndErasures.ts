import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15 (imports, retention and erasure):
 * - import_upload_chunks: an upload lives in PostgreSQL, not on the disk of the instance that received it,
 *   so any instance can run (or resume) the import. Chunks are written as the upload streams in, before
 *   the import row exists (the import takes the upload's id once the file has been judged), hence no
 *   foreign key; chunks without an import are removed by recovery after an hour of silence.
 * - imports.delimiter and imports.attempts: what another instance needs to resume an import from its
 *   chunks, and how many runs it has had (an import that keeps killing its instance is failed, not
 *   retried forever).
 * - contact_erasures: a keyed hash (HMAC-SHA256 with a key derived from ENCRYPTION_KEY) of an erased
 *   contact's number, kept only when the person had opted out, so an import of the same number again
 *   creates the contact opted out. The number itself is gone.
 */
export class UploadChunksAndErasures1796400000700 implements MigrationInterface {
  name = 'UploadChunksAndErasures1796400000700';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // (import_id, seq) unique: a chunk is written once; the run reads them in seq order.
    // UNLOGGED, like the import's stage tables: an upload lives minutes and is written once, so it skips
    // the WAL (half the cost of a 100 MB upload). What it protects against is an engine instance dying;
    // after a crash of PostgreSQL itself the table is empty, and recovery fails the import cleanly
    // ("upload the file again"). STORAGE EXTERNAL: no compression of data read once and then deleted.
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "import_upload_chunks" (
        "import_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "data" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_import_upload_chunks" PRIMARY KEY ("import_id", "seq")
      )`);
    await queryRunner.query(`ALTER TABLE "import_upload_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL`);
    await queryRunner.query(`ALTER TABLE "imports" ADD "delimiter" text`);
    await queryRunner.query(`ALTER TABLE "imports" ADD "attempts" integer NOT NULL DEFAULT 0`);
    // One row per erased number; at least one kind of opt-out is recorded (nothing else is kept).
    await queryRunner.query(`
      CREATE TABLE "contact_erasures" (
        "phone_hash" bytea NOT NULL,
        "opted_out_at" TIMESTAMP WITH TIME ZONE,
        "marketing_opted_out_at" TIMESTAMP WITH TIME ZONE,
        "erased_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_contact_erasures" PRIMARY KEY ("phone_hash"),
        CONSTRAINT "CHK_contact_erasures_opted_out" CHECK ("opted_out_at" IS NOT NULL OR "marketing_opted_out_at" IS NOT NULL)
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "contact_erasures"`);
    await queryRunner.query(`ALTER TABLE "imports" DROP COLUMN "attempts"`);
    await queryRunner.query(`ALTER TABLE "imports" DROP COLUMN "delimiter"`);
    await queryRunner.query(`DROP TABLE "import_upload_chunks"`);
  }
}
