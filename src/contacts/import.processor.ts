import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { errorMessage } from '../common/errors.js';
import { IDLE, NOW, PollingWorker, type WorkerNext } from '../common/polling-worker.js';
import { AppConfig } from '../config/app-config.js';
import { EngineStopping, ImportFailures, MAX_IMPORT_RUNS } from './import/import-failures.js';
import { ImportLiveness } from './import/import-liveness.js';
import { type ImportJob, ImportRun } from './import/import-run.js';
import type { ContactImport } from './import.entity.js';
import type { Delimiter } from './import/csv-header.js';
import { ImportsRepository } from './imports.repository.js';
import { erasureKey, hmacPads } from './phone-hash.js';

export type { ImportJob } from './import/import-run.js';

/** An accepted import waiting for its turn. */
interface QueuedImport {
  job: ImportJob;
  /** Resolves true once its liveness lock is held; false when it could not be (the import has then failed). */
  locked: Promise<boolean>;
  /** Called once, when the import has ended (completed or failed) and its lock is released. */
  finish: () => void;
}

/**
 * The import queue: runs imports in the background of the process that accepted them (the API role
 * accepts uploads), one after another. They would wait for each other's lock on contacts anyway, and a
 * waiting import must not hold pooled connections (a burst of uploads would otherwise take the whole
 * pool while the running import waits for one). `enqueue()` queues in memory and nudges the loop; each
 * run of the loop imports the next queued file (import/import-run.ts).
 *
 * Every accepted import holds its liveness lock from the moment it is accepted (import/import-liveness.ts),
 * so another engine's recovery never takes an import that is only waiting its turn; an import whose lock
 * cannot be taken fails at once. The upload is in PostgreSQL (import_upload_chunks), so an import whose
 * engine died is adopted by the first engine whose recovery gets its lock: re-queued and run again from
 * its first line (the dead run's transaction rolled back, so nothing of it was published), at most
 * MAX_IMPORT_RUNS times. Failures are handled by import/import-failures.ts.
 */
@Injectable()
export class ImportProcessor extends PollingWorker {
  /** Rows per COPY + merge round trip. Tests lower it to cross chunk boundaries with small files. */
  chunkRows = 50_000;
  private readonly queue: QueuedImport[] = [];
  /** Every import accepted and not finished yet (queued or running), resolved when it has finished. */
  private readonly accepted = new Map<string, Promise<void>>();
  /** The import being run, inside or outside the loop: there is never more than one. */
  private active: Promise<void> | null = null;
  /** Shutdown has begun: a running import stops at its next chunk, queued ones at their start. */
  protected stopping = false;
  /** Recovery looks at imports queued or running for longer than this (accepted ones take their lock at once). */
  abandonedAfterSeconds = 30;
  private readonly liveness: ImportLiveness;
  private readonly erasurePads: { ipad: Buffer; opad: Buffer };

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly imports: ImportsRepository,
    private readonly importFailures: ImportFailures,
  ) {
    // Nothing to poll: enqueue() nudges. The interval only bounds how long a missed nudge could wait.
    super({ name: 'ContactImport', intervalMs: 60_000 });
    this.liveness = new ImportLiveness(dataSource);
    this.erasurePads = hmacPads(erasureKey(config.encryptionKey));
  }

  /** Imports run where uploads are accepted. */
  protected shouldRun(): boolean {
    return this.config.runsApi;
  }

  /**
   * Queues an accepted import; its liveness lock is taken now. (Named enqueue: start() is the loop's own,
   * from PollingWorker.)
   */
  enqueue(job: ImportJob): void {
    this.queueJob(job, (unqueue) =>
      this.liveness.hold(job.id).then(
        () => true,
        async (error: unknown) => {
          unqueue();
          await this.importFailures.failBeforeStart(job.id, error);
          return false;
        },
      ),
    );
  }

  /** `lock` resolves true once the import's liveness lock is held; on failure it takes it off the queue (`unqueue`). */
  private queueJob(job: ImportJob, lock: (unqueue: () => void) => Promise<boolean>): void {
    let resolve!: () => void;
    this.accepted.set(job.id, new Promise<void>((done) => (resolve = done)));
    const finish = () => {
      this.accepted.delete(job.id);
      resolve();
    };
    const entry: QueuedImport = { job, finish, locked: Promise.resolve(false) };
    entry.locked = lock(() => {
      const waiting = this.queue.indexOf(entry);
      if (waiting >= 0) this.queue.splice(waiting, 1);
    }).then((locked) => {
      if (!locked) finish();
      return locked;
    });
    this.queue.push(entry);
    if (this.isRunning) this.nudge();
    // No loop here (or it has stopped): the import still runs, as it always has in the accepting process.
    else void this.runQueued();
  }

  /** Resolves once every import this process has accepted has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.accepted.size > 0) await Promise.allSettled([...this.accepted.values()]);
  }

  override async onApplicationBootstrap(): Promise<void> {
    await this.recoverAbandoned().catch((error: unknown) => this.logger.warn(`Recovering unfinished imports failed: ${errorMessage(error)}`));
    super.onApplicationBootstrap();
  }

  /**
   * The running import stops at its next chunk and goes back to queued (its upload is in PostgreSQL, so
   * another instance, or this one's next start, runs it again); imports still queued stay queued likewise.
   */
  override async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await super.beforeApplicationShutdown();
    await this.idle();
  }

  /**
   * Imports whose process died (nobody holds their liveness lock): their stage tables are dropped, and
   * each is resumed here from its upload in PostgreSQL, or failed when it cannot be (no upload, too many
   * runs). Only processes that run imports recover them. Orphan upload chunks are removed too.
   */
  @Interval('contact-import-recovery', 60_000)
  async recoverAbandoned(): Promise<void> {
    if (this.stopping || !this.shouldRun()) return;
    await this.importFailures.sweepOrphanUploads();
    const found = await this.importFailures.abandonedCandidates((id) => this.accepted.has(id), this.abandonedAfterSeconds);
    for (const id of found.ids) {
      if (this.stopping) return;
      if (!(await this.liveness.tryHold(id))) continue; // running (or queued) in another process
      let adopted = false;
      try {
        await this.importFailures.dropLeftovers(found.tablesById.get(id));
        if (found.unfinished.has(id)) adopted = await this.adopt(id);
      } finally {
        if (!adopted) await this.liveness.release(id);
      }
    }
  }

  /** Queues an abandoned import whose liveness lock this process now holds; false when it is not run here. */
  private async adopt(id: string): Promise<boolean> {
    const entity = await this.imports.findById(id);
    if (!entity || (entity.status !== 'queued' && entity.status !== 'running')) return false;
    const tooManyRuns = entity.attempts >= MAX_IMPORT_RUNS;
    if (tooManyRuns || entity.delimiter === null || !(await this.imports.hasUpload(id))) {
      await this.importFailures.failAbandoned(id, tooManyRuns);
      return false;
    }
    if (!(await this.imports.requeue(id))) return false;
    this.logger.warn(`Import ${id} was abandoned by a stopped engine: running it again here from its first line`);
    this.queueJob(jobOf(entity), () => Promise.resolve(true));
    return true;
  }

  protected async work(): Promise<WorkerNext> {
    await this.runNext();
    return this.queue.length > 0 ? NOW : IDLE;
  }

  /** After the loop has stopped: what is still queued (it stops at once, the engine stopping). */
  protected override drain(): Promise<void> {
    return this.runQueued();
  }

  private async runQueued(): Promise<void> {
    while (this.queue.length > 0) await this.runNext();
  }

  /** Runs the next queued import, after the one running (if any) has finished. */
  private async runNext(): Promise<void> {
    while (this.active) await this.active;
    const entry = this.queue.shift();
    if (!entry) return;
    this.active = this.runEntry(entry).finally(() => {
      this.active = null;
    });
    await this.active;
  }

  private async runEntry(entry: QueuedImport): Promise<void> {
    if (!(await entry.locked)) return; // failed already
    try {
      await this.importFile(entry.job);
    } finally {
      await this.liveness.release(entry.job.id);
      entry.finish();
    }
  }

  /** Imports one file to its end: completed, or failed with the reason (never throws). */
  protected async importFile(job: ImportJob): Promise<void> {
    const run = new ImportRun(job, {
      dataSource: this.dataSource,
      imports: this.imports,
      chunkRows: this.chunkRows,
      stopping: () => this.stopping,
      erasurePads: this.erasurePads,
    });
    const started = Date.now();
    try {
      await run.execute();
      const c = run.counts;
      this.logger.log(
        `Import ${job.id} completed in ${Date.now() - started} ms: ${c.totalRows} rows, ${c.imported} imported, ${c.updated} updated, ${c.duplicates} duplicates, ${c.rejected} rejected`,
      );
    } catch (error) {
      if (error instanceof EngineStopping && (await this.imports.requeue(job.id).catch(() => false))) {
        // Its upload stays in PostgreSQL: another instance's recovery (or this one's next start) runs it again.
        this.logger.warn(`Import ${job.id} stopped with the engine: left queued for another instance`);
        return;
      }
      await this.importFailures.failRun(job.id, run, error);
    }
  }
}

function jobOf(entity: ContactImport): ImportJob {
  return {
    id: entity.id,
    delimiter: entity.delimiter as Delimiter,
    listName: entity.listName,
    defaultCountry: entity.defaultCountry,
    optInSource: entity.optInSource,
    createdAt: entity.createdAt,
  };
}
