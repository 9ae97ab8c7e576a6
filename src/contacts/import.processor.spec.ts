import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import type { ImportFailures } from './import/import-failures.js';
import type { ImportJob } from './import/import-run.js';
import { LIVENESS_LOCK, LIVENESS_UNLOCK } from './import/import.queries.js';
import { ImportProcessor } from './import.processor.js';
import type { ImportsRepository } from './imports.repository.js';

/** What the fakes saw, in order. */
type Event = string;

/** The processor with its import step replaced: each import waits until the test lets it finish. */
class QueueUnderTest extends ImportProcessor {
  readonly running = new Set<string>();
  maxConcurrent = 0;
  readonly release = new Map<string, () => void>();
  readonly stoppingSeen = new Map<string, boolean>();

  constructor(
    private readonly events: Event[],
    lockFails: Set<string>,
    runsApi = true,
  ) {
    const client = {
      query: async (sql: string, [id]: [string]) => {
        if (sql === LIVENESS_LOCK) {
          if (lockFails.has(id)) throw new Error('no connection');
          events.push(`lock ${id}`);
        } else if (sql === LIVENESS_UNLOCK) events.push(`unlock ${id}`);
        return { rows: [] };
      },
    };
    const dataSource = { createQueryRunner: () => ({ connect: async () => client, release: async () => undefined }) } as unknown as DataSource;
    const failures = {
      failBeforeStart: async (id: string) => void events.push(`failed before start ${id}`),
      sweepOrphanUploads: async () => undefined,
      abandonedCandidates: async () => ({ ids: [], unfinished: new Set(), tablesById: new Map() }),
    } as unknown as ImportFailures;
    super(dataSource, { runsApi, encryptionKey: Buffer.alloc(32, 1) } as AppConfig, {} as ImportsRepository, failures);
  }

  protected override async importFile(job: ImportJob): Promise<void> {
    this.running.add(job.id);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running.size);
    this.stoppingSeen.set(job.id, this.stopping);
    this.events.push(`run ${job.id}`);
    if (!this.stopping) await new Promise<void>((resolve) => this.release.set(job.id, resolve));
    this.running.delete(job.id);
    this.events.push(`done ${job.id}`);
  }

  /** Resolves once the import has started running. */
  async started(id: string): Promise<void> {
    while (!this.release.has(id)) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const job = (id: string): ImportJob => ({
  id,
  delimiter: ',',
  listName: null,
  defaultCountry: null,
  optInSource: null,
  createdAt: new Date(),
});

describe('ImportProcessor (the import queue)', () => {
  let queue: QueueUnderTest | undefined;
  afterEach(async () => {
    for (const release of queue?.release.values() ?? []) release();
    await queue?.beforeApplicationShutdown();
  });

  it('runs accepted imports one after another, in the order accepted, holding every lock from acceptance', async () => {
    const events: Event[] = [];
    queue = new QueueUnderTest(events, new Set());
    await queue.onApplicationBootstrap();
    queue.enqueue(job('a'));
    queue.enqueue(job('b'));
    queue.enqueue(job('c'));
    await queue.started('a');
    // b and c wait their turn, their liveness locks already held (another engine's recovery leaves them alone).
    expect(events).toEqual(['lock a', 'lock b', 'lock c', 'run a']);
    queue.release.get('a')!();
    await queue.started('b');
    queue.release.get('b')!();
    await queue.started('c');
    queue.release.get('c')!();
    await queue.idle();
    expect(queue.maxConcurrent).toBe(1);
    expect(events.filter((event) => event.startsWith('run'))).toEqual(['run a', 'run b', 'run c']);
    expect(events.filter((event) => event.startsWith('unlock'))).toEqual(['unlock a', 'unlock b', 'unlock c']);
  });

  it('fails an import whose liveness lock cannot be taken at once, without waiting for the one running', async () => {
    const events: Event[] = [];
    queue = new QueueUnderTest(events, new Set(['b']));
    await queue.onApplicationBootstrap();
    queue.enqueue(job('a'));
    await queue.started('a');
    queue.enqueue(job('b'));
    queue.enqueue(job('c'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toContain('failed before start b');
    expect(events).not.toContain('done a');
    queue.release.get('a')!();
    await queue.started('c');
    queue.release.get('c')!();
    await queue.idle();
    expect(events.filter((event) => event.startsWith('run'))).toEqual(['run a', 'run c']);
  });

  it('idle() waits for queued imports too', async () => {
    const events: Event[] = [];
    queue = new QueueUnderTest(events, new Set());
    await queue.onApplicationBootstrap();
    queue.enqueue(job('a'));
    queue.enqueue(job('b'));
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await queue.started('a');
    queue.release.get('a')!();
    await queue.started('b');
    expect(idle).toBe(false);
    queue.release.get('b')!();
    await waiting;
    expect(idle).toBe(true);
  });

  it('at shutdown, lets the running import stop and still ends the queued ones (as stopped)', async () => {
    const events: Event[] = [];
    queue = new QueueUnderTest(events, new Set());
    await queue.onApplicationBootstrap();
    queue.enqueue(job('a'));
    queue.enqueue(job('b'));
    await queue.started('a');
    const shutdown = queue.beforeApplicationShutdown();
    queue.release.get('a')!(); // the running import notices the shutdown at its next chunk
    await shutdown;
    expect(queue.stoppingSeen.get('b')).toBe(true);
    expect(events.filter((event) => event.startsWith('unlock'))).toEqual(['unlock a', 'unlock b']);
    expect(queue.isRunning).toBe(false);
  });

  it('still runs an import accepted where the loop does not run', async () => {
    const events: Event[] = [];
    queue = new QueueUnderTest(events, new Set(), false);
    await queue.onApplicationBootstrap();
    expect(queue.isRunning).toBe(false);
    queue.enqueue(job('a'));
    await queue.started('a');
    queue.release.get('a')!();
    await queue.idle();
    expect(events).toEqual(['lock a', 'run a', 'done a', 'unlock a']);
  });
});
