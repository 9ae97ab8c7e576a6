import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, Repository } from 'typeorm';
import { copyOutValue } from '../database/copy.js';
import { execute, withPoolClient } from '../database/sql.js';
import { ContactImport } from './import.entity.js';
import {
  COMPLETE_IMPORT,
  DELETE_ORPHAN_UPLOADS,
  DELETE_UPLOAD,
  FAIL_IMPORT,
  HAS_UPLOAD,
  REQUEUE_IMPORT,
  SAVE_UPLOAD_CHUNK,
  uploadChunkCopy,
  FIRST_IMPORT_ERRORS,
  IMPORT_ERRORS_PAGE,
  SAVE_IMPORT_PROGRESS,
  START_IMPORT,
  UNFINISHED_IMPORTS,
} from './imports.queries.js';

/** What an accepted upload records before its import is queued. */
export interface NewImport {
  /** The upload's id (its chunks are stored under it). */
  id: string;
  /** The delimiter judged from the head: another instance resuming the import needs it. */
  delimiter: string;
  fileName: string | null;
  listName: string | null;
  defaultCountry: string | null;
  optInSource: string | null;
  fileSize: number;
}

/** An import's counters as its run keeps them. */
export interface ImportTotals {
  totalRows: number;
  imported: number;
  updated: number;
  duplicates: number;
  rejected: number;
  optedOut: number;
  bytesRead: number;
}

export interface ImportFailure {
  importId: string;
  reason: string;
  /** Rows read and rejects found so far; null keeps what progress stored. */
  totalRows: number | null;
  rejected: number | null;
}

export interface ImportErrorRow {
  line: number;
  value: string | null;
  reason: string;
}

export interface ImportErrorPageRow extends ImportErrorRow {
  id: string;
}

/** Where the previous page of rejects ended (keyset on line, id). */
export interface ImportErrorPosition {
  line: number;
  id: string;
}

/**
 * The only code that writes the imports table: the upload's row (ImportsService), and the status and
 * counters of its run (contacts/import/): started, progress, completed inside the run's transaction
 * (`db`, the run's writer connection), failed, re-queued by recovery. Also reads imports and their
 * rejects for the API. And the only writer of import_upload_chunks: the upload as it streams in, read by
 * whichever instance runs the import, removed when the import ends (completed in the same transaction).
 */
@Injectable()
export class ImportsRepository {
  constructor(
    @InjectRepository(ContactImport) private readonly imports: Repository<ContactImport>,
    private readonly dataSource: DataSource,
  ) {}

  async create(input: NewImport): Promise<ContactImport> {
    await this.imports.insert({
      id: input.id,
      status: 'queued',
      delimiter: input.delimiter,
      fileName: input.fileName,
      listName: input.listName,
      defaultCountry: input.defaultCountry,
      optInSource: input.optInSource,
      fileSize: String(input.fileSize),
    });
    return this.imports.findOneByOrFail({ id: input.id });
  }

  findById(id: string): Promise<ContactImport | null> {
    return this.imports.findOneBy({ id });
  }

  firstErrors(importId: string, limit: number): Promise<ImportErrorRow[]> {
    return this.dataSource.query<ImportErrorRow[]>(FIRST_IMPORT_ERRORS, [importId, limit]);
  }

  errorsPage(importId: string, after: ImportErrorPosition, limit: number): Promise<ImportErrorPageRow[]> {
    return this.dataSource.query<ImportErrorPageRow[]>(IMPORT_ERRORS_PAGE, [importId, after.line, after.id, limit]);
  }

  /** queued → running; false when it is no longer queued (another engine's recovery declared it failed). */
  async markRunning(importId: string): Promise<boolean> {
    return (await execute(this.dataSource.manager, START_IMPORT, [importId])) === 1;
  }

  /** Counters so far, committed on their own (outside the run's transaction) so GET shows them live. */
  async saveProgress(importId: string, totals: ImportTotals): Promise<void> {
    await this.dataSource.query(SAVE_IMPORT_PROGRESS, [importId, ...totalsParameters(totals)]);
  }

  /** running → completed inside the run's transaction; false when it is not running any more (failed meanwhile). */
  async complete(importId: string, listId: string | null, totals: ImportTotals, db: PoolClient): Promise<boolean> {
    const completed = await db.query(COMPLETE_IMPORT, [importId, listId, ...totalsParameters(totals)]);
    if (completed.rowCount !== 1) return false;
    await db.query(DELETE_UPLOAD, [importId]);
    return true;
  }

  /**
   * queued/running → failed with the reason; nothing of it was written, so its write counters go back to
   * zero. On `db` when given (recovery, on the connection holding the import's liveness lock).
   */
  async fail(failure: ImportFailure, db?: PoolClient): Promise<void> {
    const parameters = [failure.importId, failure.reason, failure.totalRows, failure.rejected];
    if (db) await db.query(FAIL_IMPORT, parameters);
    else await this.dataSource.query(FAIL_IMPORT, parameters);
    await this.deleteUpload(failure.importId); // a failed import is uploaded again, never resumed
  }

  /** An abandoned import back to queued, counters at zero; false when it has ended meanwhile. */
  async requeue(importId: string): Promise<boolean> {
    return (await execute(this.dataSource.manager, REQUEUE_IMPORT, [importId])) === 1;
  }

  async saveUploadChunk(uploadId: string, seq: number, data: Buffer): Promise<void> {
    await this.dataSource.query(SAVE_UPLOAD_CHUNK, [uploadId, seq, data]);
  }

  /** The upload's chunk `seq` (from 0), or null past its end. */
  async uploadChunk(importId: string, seq: number): Promise<Buffer | null> {
    return withPoolClient(this.dataSource, (client) => copyOutValue(client, uploadChunkCopy(importId, seq)));
  }

  async hasUpload(importId: string): Promise<boolean> {
    return (await this.dataSource.query<Array<{ found: boolean }>>(HAS_UPLOAD, [importId]))[0]?.found === true;
  }

  async deleteUpload(uploadId: string): Promise<void> {
    await this.dataSource.query(DELETE_UPLOAD, [uploadId]);
  }

  /** Uploads that never became an import, silent for this long (recovery). */
  async deleteOrphanUploads(silentForSeconds: number): Promise<void> {
    await this.dataSource.query(DELETE_ORPHAN_UPLOADS, [silentForSeconds]);
  }

  /** Ids of imports queued or running for longer than this (candidates for recovery). */
  async unfinished(olderThanSeconds: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(UNFINISHED_IMPORTS, [olderThanSeconds]);
    return rows.map((row) => row.id);
  }
}

/** The counters in the order SAVE_IMPORT_PROGRESS and COMPLETE_IMPORT take them after their ids. */
function totalsParameters(totals: ImportTotals): number[] {
  return [totals.totalRows, totals.imported, totals.updated, totals.duplicates, totals.rejected, totals.optedOut, totals.bytesRead];
}
