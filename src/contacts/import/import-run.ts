import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { copyIn } from '../../database/copy.js';
import { withPoolClient } from '../../database/sql.js';
import type { ImportsRepository, ImportTotals } from '../imports.repository.js';
import { ANY_ERASURE } from '../erasure.queries.js';
import { errorLine, StageChunk, stageLine } from './copy-text.js';
import { type Delimiter, mapHeader } from './csv-header.js';
import { CsvFileError, type RecordBatch } from './csv-records.js';
import { EngineStopping, ImportAborted } from './import-failures.js';
import { createRowContext, isBlankRecord, mapRow, type RowContext } from './import-row.js';
import {
  COPY_IMPORT_ERRORS,
  DELETE_IMPORT_ERRORS,
  copyIntoStage,
  CREATE_IMPORT_SEEN,
  createStageTable,
  dropStageTables,
  FIND_LIST_BY_NAME,
  IMPORT_TRANSACTION_SETTINGS,
  importTableName,
  INSERT_LIST,
  LOCK_CONTACTS_FOR_IMPORT,
  type MergeChunkResult,
  mergeImportChunk,
} from './import.queries.js';
import { uploadRecords } from './upload-records.js';

/** A staged chunk: the rows in its stage table, and the rows of the chunk left out as in-chunk duplicates. */
interface StagedCounts {
  rows: number;
  duplicates: number;
}

/** An accepted import: its upload is in import_upload_chunks under its id. */
export interface ImportJob {
  id: string;
  delimiter: Delimiter;
  listName: string | null;
  defaultCountry: string | null;
  optInSource: string | null;
  /** The upload's time: the opt-in time of rows without opted_in_at. */
  createdAt: Date;
}

/** Where the counts of an import stand; the identity totalRows = imported + updated + duplicates + rejected holds at the end. */
export class ImportCounts implements ImportTotals {
  totalRows = 0;
  rejected = 0;
  staged = 0;
  imported = 0;
  updated = 0;
  duplicates = 0;
  optedOut = 0;
  bytesRead = 0;
}

/** What a run uses besides its job: the pool for its two connections, and the imports table's writer. */
export interface ImportRunDependencies {
  dataSource: DataSource;
  imports: ImportsRepository;
  /** Rows per COPY + merge round trip. */
  chunkRows: number;
  /** Whether the engine is shutting down (the run then stops at the next chunk). */
  stopping: () => boolean;
  /** HMAC pads of the erasure key: the merge recognises numbers of erased, opted-out people. */
  erasurePads: { ipad: Buffer; opad: Buffer };
}

const DEFAULT_OPT_IN_SOURCE = 'import';
const REJECTS_PER_WRITE = 5_000;
/** Rows of the first chunk at most (see chunkLimit): a fifth of the default chunk. */
const FIRST_CHUNK_ROWS = 10_000;
/** Staged chunks that may wait for the writer (in unlogged tables) before parsing pauses. */
const WRITER_LAG = 2;

/**
 * One import's life: the writer's transaction, the stager, the read loop, the chunk pipeline, the
 * progress. This is the contacts module's own write path for contacts, list_members, lists,
 * consent_events and import_errors, on its own pg connections (the imports table's status and counters
 * go through ImportsRepository).
 *
 * Atomicity: one transaction per import (the writer). The upload is read from PostgreSQL
 * (import_upload_chunks, 1 MB a query, so any instance can run it) in 64 KB pieces through csv-parse;
 * valid rows go into chunks of COPY text (50,000 rows, in a Buffer, handed over in phone order without
 * in-chunk duplicates), which a second connection COPYs into an unlogged stage table each while the
 * writer merges the previous chunk into contacts inside its transaction, and Node parses the next:
 * three chunks in flight, on two cores.
 * Only the writer's COMMIT at the end publishes anything: a failure at any line rolls back every
 * contact, list membership, consent event and the list itself, and the import ends `failed` with the
 * reason. Progress counters and rejects are written outside that transaction so they can be watched
 * live (rejects are kept on failure: they are a diagnosis, not data; a run that starts again removes
 * an earlier run's). Memory stays flat: at most two chunk buffers and one to sort into, two stored
 * chunks of the upload (one read ahead) and 5,000 rejects
 * (written as they reach that number, whatever the valid rows do), whatever the file size (stage
 * tables hold the chunks on PostgreSQL's side until the end).
 */
export class ImportRun {
  readonly counts = new ImportCounts();
  /** Holds the import's one transaction: every write that gets published. */
  private writer: PoolClient | undefined;
  /** Autocommit: COPYs each chunk into a stage table of its own while the writer merges the previous one. */
  private stager: PoolClient | undefined;
  private inTransaction = false;
  /** Where a chunk is sorted for its COPY: one for the run (the stager takes one chunk at a time). */
  private readonly sortSpace = { buffer: Buffer.alloc(0) };
  private chunk = new StageChunk(this.sortSpace);
  private spareChunks: StageChunk[] = [];
  private chunkNumber = 0;
  /** The stager's chain (one COPY at a time) and the writer's, which follows it chunk by chunk. */
  private staged: Promise<void> = Promise.resolve();
  private merged: Promise<void> = Promise.resolve();
  private merges: Array<Promise<void>> = [];
  private readonly tables: string[] = [];
  private rejects: string[] = [];
  private listId: string | null = null;
  private context: RowContext | undefined;
  private anyErasure = false;

  constructor(
    private readonly job: ImportJob,
    private readonly deps: ImportRunDependencies,
  ) {}

  async execute(): Promise<void> {
    const writerRunner = this.deps.dataSource.createQueryRunner();
    const stagerRunner = this.deps.dataSource.createQueryRunner();
    try {
      const writer = (this.writer = (await writerRunner.connect()) as PoolClient);
      try {
        await writer.query('BEGIN');
        this.inTransaction = true;
        for (const setting of IMPORT_TRANSACTION_SETTINGS) await writer.query(setting);
        await writer.query(LOCK_CONTACTS_FOR_IMPORT); // waits here (status queued) while another import runs
        this.checkStopping();
        await this.markRunning();
        await writer.query(CREATE_IMPORT_SEEN);
        // Stable for the whole run: erasure deletes contacts, which waits for the import's lock.
        this.anyErasure = (await writer.query<{ found: boolean }>(ANY_ERASURE)).rows[0].found;
        this.listId = this.job.listName ? await this.ensureList(writer, this.job.listName) : null;
        this.stager = (await stagerRunner.connect()) as PoolClient;
        // A resumed import starts again from its first line: the rejects of an earlier run go.
        await this.stager.query(DELETE_IMPORT_ERRORS, [this.job.id]);

        await this.readFile();
        if (this.chunk.rows > 0) await this.handOver();
        await this.staged;
        await this.merged;
        await this.saveRejects();
        this.checkAccounting();
        const completed = await this.deps.imports.complete(this.job.id, this.listId, this.counts, writer);
        if (!completed) throw new ImportAborted('the import was declared failed meanwhile');
        await writer.query('COMMIT');
        this.inTransaction = false;
      } finally {
        // Nothing may still run on either connection when the transaction ends or the tables go.
        await Promise.allSettled([this.staged, this.merged]);
        if (this.inTransaction) {
          await writer.query('ROLLBACK').catch(() => undefined);
          this.inTransaction = false;
        }
        await this.dropTables();
      }
    } finally {
      await stagerRunner.release().catch(() => undefined);
      await writerRunner.release().catch(() => undefined);
    }
  }

  /** Refuses to go on with an import that another engine's recovery has already declared failed. */
  private async markRunning(): Promise<void> {
    if (!(await this.deps.imports.markRunning(this.job.id))) throw new ImportAborted('the import is no longer queued');
  }

  /** Marks the import failed: nothing was written; rows read and rejects found so far stay visible. */
  async fail(reason: string): Promise<void> {
    await this.saveRejects().catch(() => undefined);
    await this.deps.imports.fail({ importId: this.job.id, reason, totalRows: this.counts.totalRows, rejected: this.counts.rejected });
  }

  /** Reads and maps the whole upload (upload-records.ts: read ahead, parsed in pieces). */
  private async readFile(): Promise<void> {
    for await (const { batch, bytesRead } of uploadRecords(this.deps.imports, this.job.id, this.job.delimiter, () => this.checkStopping())) {
      this.counts.bytesRead = bytesRead;
      await this.consume(batch);
    }
    if (!this.context) throw new CsvFileError('the file has no header row', 1);
  }

  /** Maps a batch of records into the current chunk, handing each full chunk over. */
  private async consume(batch: RecordBatch): Promise<void> {
    const { records, lines } = batch;
    for (let index = 0; index < records.length; index++) {
      const cells = records[index];
      if (isBlankRecord(cells)) continue;
      if (!this.context) {
        this.context = this.headerContext(cells, lines[index]);
        continue;
      }
      this.counts.totalRows++;
      const result = mapRow(cells, this.context);
      if (result.ok) {
        this.chunk.add(result.row.phone, stageLine(lines[index], result.row));
        if (this.chunk.rows >= this.chunkLimit()) await this.handOver();
      } else {
        this.counts.rejected++;
        this.rejects.push(errorLine(this.job.id, lines[index], result.reject));
        // Written as they come, whatever the valid rows do: a file of nothing but rejects never merges.
        if (this.rejects.length >= REJECTS_PER_WRITE) await this.saveRejects();
      }
    }
  }

  /**
   * Rows of the chunk being filled. The first one is smaller (at most FIRST_CHUNK_ROWS): the writer,
   * which takes the longest per chunk, starts merging after a fifth of a chunk's parsing and staging,
   * and the full chunks that follow reach it before it is done.
   */
  private chunkLimit(): number {
    return this.chunkNumber === 0 ? Math.min(this.deps.chunkRows, FIRST_CHUNK_ROWS) : this.deps.chunkRows;
  }

  private headerContext(cells: string[], line: number): RowContext {
    const mapped = mapHeader(cells);
    if (!mapped.ok) throw new CsvFileError(`line ${line}: ${mapped.message}`, line);
    return createRowContext(mapped.header, this.job.delimiter, this.job.defaultCountry);
  }

  /**
   * Hands the current chunk to the stager, then to the writer. Parsing goes on meanwhile, at most one
   * chunk ahead of the stager (whose COPY frees the buffer) and WRITER_LAG chunks ahead of the writer
   * (their rows wait in stage tables).
   */
  private async handOver(): Promise<void> {
    await this.staged; // throws if the stager failed
    const lagging = this.merges.length >= WRITER_LAG ? this.merges[this.merges.length - WRITER_LAG] : undefined;
    if (lagging) await lagging; // throws if the writer failed
    this.checkStopping();
    const chunk = this.chunk;
    this.chunk = this.spareChunks.pop() ?? new StageChunk(this.sortSpace);
    const table = importTableName(this.job.id, `s${++this.chunkNumber}`);
    this.tables.push(table);
    const stagedChunk = this.stage(chunk, table);
    const staged = stagedChunk.then(() => undefined);
    const merged = Promise.all([stagedChunk, this.merged]).then(([counts]) => this.merge(table, counts));
    staged.catch(() => undefined); // both are awaited later; never an unhandled rejection meanwhile
    merged.catch(() => undefined);
    this.staged = staged;
    this.merged = merged;
    this.merges.push(merged);
  }

  /** COPYs a chunk into its stage table; resolves to the rows PostgreSQL copied and the in-chunk duplicates left out. */
  private async stage(chunk: StageChunk, table: string): Promise<StagedCounts> {
    const stager = this.stager!;
    const started = Date.now();
    let counts: StagedCounts;
    await stager.query('BEGIN');
    try {
      await stager.query(createStageTable(table));
      const { bytes, rows, duplicates } = chunk.sorted();
      const copied = await copyIn(stager, copyIntoStage(table), bytes);
      if (copied !== rows) throw new Error(`internal error: ${rows} rows sent to COPY, ${copied} copied`);
      counts = { rows, duplicates };
      await stager.query('COMMIT');
    } catch (error) {
      await stager.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      chunk.reset();
      this.spareChunks.push(chunk);
    }
    Logger.debug(`Import ${this.job.id}: ${table} staged in ${Date.now() - started} ms`, 'ContactImport');
    return counts;
  }

  private async merge(table: string, staged: StagedCounts): Promise<void> {
    const started = Date.now();
    const { rows } = await this.writer!.query<MergeChunkResult>(mergeImportChunk(table), [
      this.listId,
      this.job.createdAt.toISOString(),
      this.job.optInSource ?? DEFAULT_OPT_IN_SOURCE,
      this.job.id,
      this.deps.erasurePads.ipad,
      this.deps.erasurePads.opad,
      this.anyErasure,
      staged.rows,
    ]);
    const merged = rows[0];
    const c = this.counts;
    c.staged += merged.staged + staged.duplicates;
    c.imported += merged.inserted;
    c.updated += merged.updated;
    c.duplicates += staged.duplicates + merged.seen_before;
    c.optedOut += merged.opted_out;
    Logger.debug(`Import ${this.job.id}: ${table} merged in ${Date.now() - started} ms`, 'ContactImport');
    await this.saveProgress();
  }

  /** Counters so far, committed outside the import's transaction so GET shows them live. */
  private async saveProgress(): Promise<void> {
    await this.deps.imports.saveProgress(this.job.id, this.counts);
  }

  private async saveRejects(): Promise<void> {
    if (this.rejects.length === 0) return;
    const text = this.rejects.join('');
    this.rejects = [];
    await withPoolClient(this.deps.dataSource, (client) => copyIn(client, COPY_IMPORT_ERRORS, text));
  }

  /** Stage tables go once the writer's transaction has ended (it holds locks on those it read). */
  private async dropTables(): Promise<void> {
    if (!this.stager || this.tables.length === 0) return;
    await this.stager.query(dropStageTables(this.tables)).catch(() => undefined);
  }

  private async ensureList(client: PoolClient, name: string): Promise<string> {
    const found = await client.query<{ id: string }>(FIND_LIST_BY_NAME, [name]);
    if (found.rows.length > 0) return found.rows[0].id;
    return (await client.query<{ id: string }>(INSERT_LIST, [name])).rows[0].id;
  }

  /** Every row read is exactly one of imported, updated, duplicate or rejected: refuse to commit otherwise. */
  private checkAccounting(): void {
    const c = this.counts;
    if (c.staged + c.rejected !== c.totalRows || c.imported + c.updated + c.duplicates !== c.staged) {
      throw new Error(
        `internal error: counts do not add up (rows ${c.totalRows}, staged ${c.staged}, imported ${c.imported}, updated ${c.updated}, duplicates ${c.duplicates}, rejected ${c.rejected})`,
      );
    }
  }

  private checkStopping(): void {
    if (this.deps.stopping()) throw new EngineStopping('the engine is shutting down');
  }
}
