import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorMessage } from './errors.js';

/** What a worker's job says about when it should run next. */
export type WorkerNext =
  /** More work is waiting: run again as soon as the event loop has turned. */
  | { kind: 'now' }
  /** Nothing to do: sleep the interval; a nudge wakes it early (after the coalescing delay). */
  | { kind: 'idle' }
  /** Wait this long whatever arrives (pacing); only shutdown ends it early. */
  | { kind: 'rest'; ms: number }
  /** A passing failure the job handled itself: wait the backoff, which grows with each failure in a row. */
  | { kind: 'backoff' };

export const NOW: WorkerNext = { kind: 'now' };
export const IDLE: WorkerNext = { kind: 'idle' };
export const BACKOFF: WorkerNext = { kind: 'backoff' };

export interface PollingWorkerSettings {
  /** Names the worker in logs. */
  name: string;
  /** Sleep between runs when idle. */
  intervalMs: number;
  /** How long after a nudge the job starts, so that nudges meanwhile join one run. Default 0. */
  coalesceMs?: number;
  /** Backoff after the n-th failure in a row (n ≥ 1). Default: 500 ms doubling up to 10 s. */
  backoffMs?: (failuresInARow: number) => number;
}

const defaultBackoff = (failures: number): number => Math.min(500 * 2 ** Math.min(failures - 1, 20), 10_000);

/**
 * The one loop under every background worker (sender, webhook processor, campaign scheduler, import
 * queue), as Novu's worker base: it owns start, sleep, nudge and coalescing, backoff after failures
 * and shutdown; a worker supplies only `work()` (one run) and `shouldRun()` (whether this process
 * runs it at all, e.g. ROLE=api does not).
 *
 * A `work()` that throws is logged and backed off like `BACKOFF`; any other answer ends the streak.
 * Shutdown (beforeApplicationShutdown, so before connections close) ends any sleep, waits for the run
 * in progress, then for `drain()`: the worker's in-flight work outside the loop.
 */
export abstract class PollingWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly interval: number;
  private readonly coalesce: number;
  private readonly backoff: (failures: number) => number;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private nudged = false;
  private wake: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;

  protected constructor(settings: PollingWorkerSettings) {
    this.logger = new Logger(settings.name);
    this.interval = settings.intervalMs;
    this.coalesce = Math.min(settings.coalesceMs ?? 0, settings.intervalMs);
    this.backoff = settings.backoffMs ?? defaultBackoff;
  }

  /** Whether this process runs the worker (checked once, at bootstrap). */
  protected abstract shouldRun(): boolean;

  /** One run of the job. */
  protected abstract work(): Promise<WorkerNext>;

  /** After the loop has stopped: finish what runs outside it (sends in flight, buffered writes). */
  protected drain(): Promise<void> {
    return Promise.resolve();
  }

  /** Failures in a row so far (0 after any run that did not fail). */
  protected get failuresInARow(): number {
    return this.failures;
  }

  get isRunning(): boolean {
    return this.loop !== null && !this.stopped;
  }

  onApplicationBootstrap(): void {
    if (this.shouldRun()) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run();
  }

  /** New work arrived: run soon rather than at the end of the idle interval. */
  nudge(): void {
    this.nudged = true;
    this.armWake();
  }

  /** Ends the loop (waiting for the run in progress), then drains. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.drain();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.nudged = false;
      let next: WorkerNext;
      try {
        next = await this.work();
      } catch (error) {
        next = BACKOFF;
        this.logger.error(`${errorMessage(error)}; next try in ${this.backoff(this.failures + 1)} ms`);
      }
      if (this.stopped) break;
      if (next.kind === 'backoff') {
        this.failures++;
        await this.sleep(this.backoff(this.failures), false);
        continue;
      }
      this.failures = 0;
      if (next.kind === 'now') await yieldToEventLoop();
      else if (next.kind === 'rest') await this.sleep(next.ms, false);
      else await this.sleep(this.interval, true);
    }
  }

  private armWake(): void {
    if (!this.wake || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wake?.();
    }, this.coalesce);
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeTimer) clearTimeout(this.wakeTimer);
        this.wakeTimer = null;
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (!wakeable) {
        this.wake = () => {
          if (this.stopped) done();
        };
        return;
      }
      this.wake = done;
      if (this.nudged) this.armWake();
    });
  }
}
