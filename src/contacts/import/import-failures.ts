import { Injectable, Logger } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { errorMessage } from '../../common/errors.js';
import { ImportsRepository } from '../imports.repository.js';
import { CsvFileError } from './csv-records.js';
import { dropStageTables, IMPORT_TABLES } from './import.queries.js';

/** The run gave up on purpose: the engine is shutting down, or the import is no longer its to finish. */
export class ImportAborted extends Error {}

/** The engine is shutting down: the run stops, and the import is left queued for another instance (or the next start). */
export class EngineStopping extends ImportAborted {}

/** Chunks of an upload that never became an import are removed after this long without a new one. */
const ORPHAN_UPLOAD_AFTER_SECONDS = 3600;

/**
 * Where engines before issue 15 spooled uploads (0644 files in a shared folder, never removed after a
 * crash). Nothing goes there any more; what a crashed old engine left is removed after a day.
 */
export const LEGACY_SPOOL_DIRECTORY = join(tmpdir(), 'wa-engine-imports');
const LEGACY_SPOOL_AFTER_MS = 86_400_000;

/** Runs an import may start before recovery stops resuming it (a file that ends its engine each time). */
export const MAX_IMPORT_RUNS = 3;

const NOT_STARTED_REASON = 'The engine could not reach its database to start this import. Nothing was imported: upload the file again.';
const ABANDONED_REASON = 'The engine stopped before this import finished. Nothing was imported: upload the file again.';
const TOO_MANY_RUNS_REASON = `The engine stopped during each of ${MAX_IMPORT_RUNS} runs of this import. Nothing was imported: upload the file again, perhaps in smaller parts.`;

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
  async failBeforeStart(importId: string, error: unknown): Promise<void> {
    this.logger.warn(`Import ${importId} failed before it started: ${errorMessage(error)}`);
    await this.imports.fail({ importId, reason: NOT_STARTED_REASON, totalRows: null, rejected: null }).catch(() => undefined);
  }

  /** The run threw: the import ends failed with the reason (its transaction has rolled back). */
  async failRun(importId: string, run: FailableRun, error: unknown): Promise<void> {
    const reason = failureReason(error);
    this.logger.warn(`Import ${importId} failed: ${reason}`);
    await run.fail(reason).catch((failError: unknown) => this.logger.error(`Could not mark import ${importId} failed: ${errorMessage(failError)}`));
  }

  /**
   * Imports that may have been abandoned by a process that died, for recovery to try their liveness
   * locks: queued or running for longer than `olderThanSeconds`, or with stage tables left behind.
   * `isOwn`: imports this process accepted (skipped).
   */
  async abandonedCandidates(isOwn: (importId: string) => boolean, olderThanSeconds: number): Promise<AbandonedCandidates> {
    const unfinished = new Set(await this.imports.unfinished(olderThanSeconds));
    const tables = await this.dataSource.query<Array<{ name: string; hex: string }>>(IMPORT_TABLES);
    const tablesById = new Map<string, string[]>();
    for (const table of tables) {
      const id = table.hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
      tablesById.set(id, [...(tablesById.get(id) ?? []), table.name]);
    }
    const ids = [...new Set([...unfinished, ...tablesById.keys()])].filter((id) => !isOwn(id));
    return { ids, unfinished, tablesById };
  }

  /** Stage tables of an abandoned run (the caller holds the import's liveness lock). */
  async dropLeftovers(tables: readonly string[] | undefined): Promise<void> {
    if (tables) await this.dataSource.query(dropStageTables(tables));
  }

  /** An abandoned import that cannot be resumed (the caller holds its liveness lock). */
  async failAbandoned(importId: string, tooManyRuns: boolean): Promise<void> {
    await this.imports.fail({ importId, reason: tooManyRuns ? TOO_MANY_RUNS_REASON : ABANDONED_REASON, totalRows: null, rejected: null });
    this.logger.warn(`Import ${importId} was abandoned by a stopped engine: marked failed`);
  }

  /** Uploads that never became an import (their instance died mid-upload). */
  async sweepOrphanUploads(): Promise<void> {
    await this.imports.deleteOrphanUploads(ORPHAN_UPLOAD_AFTER_SECONDS);
    await this.sweepLegacySpool().catch((error: unknown) => this.logger.warn(`Could not clean ${LEGACY_SPOOL_DIRECTORY}: ${errorMessage(error)}`));
  }

  private async sweepLegacySpool(): Promise<void> {
    const names = await readdir(LEGACY_SPOOL_DIRECTORY).catch(() => [] as string[]);
    const before = Date.now() - LEGACY_SPOOL_AFTER_MS;
    for (const name of names) {
      if (!/^[0-9a-f-]{36}\.csv$/.test(name)) continue;
      const path = join(LEGACY_SPOOL_DIRECTORY, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && info.mtimeMs < before) await rm(path, { force: true });
    }
  }
}

export interface AbandonedCandidates {
  ids: string[];
  unfinished: ReadonlySet<string>;
  tablesById: ReadonlyMap<string, string[]>;
}
