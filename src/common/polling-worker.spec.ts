import { BACKOFF, IDLE, NOW, PollingWorker, type WorkerNext } from './polling-worker.js';

/** A worker whose runs answer from a script; each run is recorded with the failures-in-a-row it saw. */
class ScriptedWorker extends PollingWorker {
  readonly runs: number[] = [];
  drained = false;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    private readonly script: Array<WorkerNext | Error>,
    settings: { intervalMs?: number; coalesceMs?: number; backoffMs?: (n: number) => number } = {},
    private readonly enabled = true,
  ) {
    super({ name: 'ScriptedWorker', intervalMs: settings.intervalMs ?? 60_000, coalesceMs: settings.coalesceMs, backoffMs: settings.backoffMs });
  }

  protected shouldRun(): boolean {
    return this.enabled;
  }

  protected async work(): Promise<WorkerNext> {
    this.runs.push(this.failuresInARow);
    for (const waiter of this.waiters.filter((w) => w.count <= this.runs.length)) waiter.resolve();
    const next = this.script.shift() ?? IDLE;
    if (next instanceof Error) throw next;
    return next;
  }

  protected override async drain(): Promise<void> {
    this.drained = true;
  }

  /** Resolves once the worker has run `count` times. */
  ranTimes(count: number): Promise<void> {
    if (this.runs.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

describe('PollingWorker', () => {
  let worker: ScriptedWorker | undefined;
  afterEach(async () => worker?.stop());

  it('runs again at once while the job says there is more', async () => {
    worker = new ScriptedWorker([NOW, NOW, IDLE]);
    worker.onApplicationBootstrap();
    await worker.ranTimes(3);
    expect(worker.runs).toHaveLength(3);
  });

  it('does not start where the process does not run workers', async () => {
    worker = new ScriptedWorker([], {}, false);
    worker.onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(worker.runs).toEqual([]);
    expect(worker.isRunning).toBe(false);
  });

  it('wakes from an idle sleep when nudged (the interval here is a minute)', async () => {
    worker = new ScriptedWorker([IDLE, IDLE], { intervalMs: 60_000, coalesceMs: 5 });
    worker.start();
    await worker.ranTimes(1);
    worker.nudge();
    await worker.ranTimes(2);
    expect(worker.runs).toHaveLength(2);
  });

  it('coalesces nudges during a run into one next run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class SlowWorker extends ScriptedWorker {
      protected override async work(): Promise<WorkerNext> {
        const next = await super.work();
        if (this.runs.length === 1) await gate;
        return next;
      }
    }
    worker = new SlowWorker([IDLE, IDLE, IDLE], { coalesceMs: 5 });
    worker.start();
    await worker.ranTimes(1);
    worker.nudge();
    worker.nudge();
    release();
    await worker.ranTimes(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.runs).toHaveLength(2);
  });

  it('backs off after failures, more with each in a row, and starts over after a success', async () => {
    const waits: number[] = [];
    const backoffMs = (n: number) => {
      waits.push(n);
      return 1;
    };
    worker = new ScriptedWorker([new Error('database gone'), BACKOFF, IDLE, BACKOFF, IDLE], { intervalMs: 1, backoffMs });
    worker.start();
    await worker.ranTimes(5);
    // runs see the failures counted before them: 0, 1, 2, then 0 after the success, then 1
    expect(worker.runs).toEqual([0, 1, 2, 0, 1]);
    expect(waits).toContain(2);
  });

  it('is not woken from a rest by a nudge, only by shutdown', async () => {
    worker = new ScriptedWorker([{ kind: 'rest', ms: 60_000 }]);
    worker.start();
    await worker.ranTimes(1);
    worker.nudge();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.runs).toHaveLength(1);
    await worker.stop();
    expect(worker.isRunning).toBe(false);
  });

  it('on shutdown ends its sleep, then drains', async () => {
    worker = new ScriptedWorker([IDLE], { intervalMs: 60_000 });
    worker.onApplicationBootstrap();
    await worker.ranTimes(1);
    await worker.beforeApplicationShutdown();
    expect(worker.drained).toBe(true);
    expect(worker.isRunning).toBe(false);
  });
});
