import { Injectable, Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { errorMessage } from '../../common/errors.js';
import { ImportsRepository } from '../imports.repository.js';
import { CsvFileError } from './csv-records.js';
import { dropStageTables, IMPORT_TABLES, LIVENESS_UNLOCK, TRY_LIVENESS_LOCK } from './import.queries.js';

/** The run gave up on purpose: the engine is shutting down, or the import is no longer its to finish. */
export class ImportAborted extends Error {}

/** An import left queued/running this long without anyone holding its liveness lock is declared failed. */
const ABANDONED_AFTER_SECONDS = 30;

const NOT_STARTED_REASON = 'The engine could not reach its database to start this import. Nothing was imported: upload the file again.';
const ABANDONED_REASON = 'The engine stopped before this import finished. Nothing was imported: upload the file again.';

/** The reason a failed import shows (GET status): what went wrong, and that nothing of it was imported. */
export function failureReason(error: unknown): string {
  if (error instanceof CsvFileError) return `${capitalise(error.message)}. Nothing was imported.`;
  if (error instanceof ImportAborted) return 'The engine stopped while importing. Nothing was imported: upload the file again.';
  return `The import failed: ${errorMessage(error)}. Nothing was imported.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A run that can record its own failure (with the rows read and rejects it found so far). */
export interface FailableRun {
  fail(reason: string): Promise<void>;
}

/**
 * How imports end when something goes wrong, apart from the import itself: an import that could not
 * start, a run that threw, and imports abandoned by an engine that stopped (with their stage tables).
 */
@Injectable()
export class ImportFailures {
  private readonly logger = new Logger('ContactImport');

  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportsRepository,
  ) {}

  /** No connection for the liveness lock: the import cannot be run safely, so it ends now instead of queued. */
  async failBeforeStart(importId: string, filePath: string, error: unknown): Promise<void> {
    this.logger.warn(`Import ${importId} failed before it started: ${errorMessage(error)}`);
    await this.imports.fail({ importId, reason: NOT_STARTED_REASON, totalRows: null, rejected: null }).catch(() => undefined);
    await rm(filePath, { force: true }).catch(() => undefined);
  }

  /** The run threw: the import ends failed with the reason (its transaction has rolled back). */
  async failRun(importId: string, run: FailableRun, error: unknown): Promise<void> {
    const reason = failureReason(error);
    this.logger.warn(`Import ${importId} failed: ${reason}`);
    await run.fail(reason).catch((failError: unknown) => this.logger.error(`Could not mark import ${importId} failed: ${errorMessage(failError)}`));
  }

  /**
   * Imports whose process died (nobody holds their liveness lock) end as failed instead of running
   * forever, and their stage tables are dropped. `isOwn`: imports this process accepted (skipped).
   */
  async recoverAbandoned(isOwn: (importId: string) => boolean): Promise<void> {
    const unfinished = await this.imports.unfinished(ABANDONED_AFTER_SECONDS);
    const tables = await this.dataSource.query<Array<{ name: string; hex: string }>>(IMPORT_TABLES);
    const tablesById = new Map<string, string[]>();
    for (const table of tables) {
      const id = table.hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
      tablesById.set(id, [...(tablesById.get(id) ?? []), table.name]);
    }
    const failing = new Set(unfinished);
    const candidates = [...new Set([...failing, ...tablesById.keys()])].filter((id) => !isOwn(id));
    if (candidates.length === 0) return;
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      for (const id of candidates) {
        const locked = (await client.query<{ locked: boolean }>(TRY_LIVENESS_LOCK, [id])).rows[0]?.locked === true;
        if (!locked) continue; // running in another process
        try {
          await this.dropLeftovers(client, tablesById.get(id));
          if (failing.has(id)) {
            await this.imports.fail({ importId: id, reason: ABANDONED_REASON, totalRows: null, rejected: null }, client);
            this.logger.warn(`Import ${id} was abandoned by a stopped engine: marked failed`);
          }
        } finally {
          await client.query(LIVENESS_UNLOCK, [id]);
        }
      }
    } finally {
      await runner.release();
    }
  }

  private async dropLeftovers(client: PoolClient, tables: readonly string[] | undefined): Promise<void> {
    if (tables) await client.query(dropStageTables(tables));
  }
}
