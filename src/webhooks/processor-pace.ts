/**
 * When the webhook processor takes its next batch. The service measures and claims; this decides,
 * with the clock injected (tests drive it by hand).
 *
 * Acknowledgements come first. 360dialog waits for the receiver's 200, answered in well under 250 ms
 * or retried. The processor only moves the report forward, and the inbox exists so that it can lag.
 * Its batches cost CPU in this process and, more, in PostgreSQL (status updates on an indexed table),
 * which the receiver's group commit needs during a burst. So while this process's receiver takes a
 * burst — bodies arriving at `yieldArrivalsPerSecond` or more, or arriving while the event loop is at
 * least `yieldUtilization` busy — the processor rests, for the whole burst rather than between batches:
 * every `yieldMs` it looks again, without claiming, and rests on while the burst lasts.
 * The rest is bounded by the lag: it never lets a due body wait longer than `maxLagMs` unclaimed
 * (it ends in time for a batch to claim it), so a burst that never ends still gets its statuses
 * applied, at most about `maxLagMs` late. Once the burst eases, full batches follow one another at
 * once until the backlog is drained.
 */

export interface PaceSettings {
  /** Event-loop utilisation (0–1) from which the processor rests while bodies arrive; 1 turns this test off. */
  yieldUtilization: number;
  /** Arrivals per second at this process's receiver from which the processor rests; 0 turns this test off. */
  yieldArrivalsPerSecond: number;
  /** How long each rest lasts before the processor looks again. */
  yieldMs: number;
  /** No due body waits longer than this unclaimed because of a rest. */
  maxLagMs: number;
}

export interface PaceClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** This process's event-loop utilisation (0–1) since the previous call. */
  loopUtilization(): number;
}

export interface BatchOutcome {
  /** Items the batch claimed. */
  claimed: number;
  batchSize: number;
  /** How long the oldest claimed item had been due, as of the batch's end (0 when none). */
  lagMs: number;
}

/** `now`: claim again at once; `rest`: wait `ms`, ignoring nudges; `idle`: wait for a nudge or the poll interval. */
export type NextBatch = { kind: 'now' } | { kind: 'rest'; ms: number } | { kind: 'idle' };

export class ProcessorPace {
  /** Bodies this process's receiver stored since the window began. */
  private arrivals = 0;
  private windowStart: number;
  private batchStart: number;
  /** Since when the oldest body that may still be due unclaimed has been due; null when none is. */
  private oldestDueSince: number | null = null;
  private resting = false;

  constructor(
    private readonly settings: PaceSettings,
    private readonly clock: PaceClock,
  ) {
    this.windowStart = clock.now();
    this.batchStart = this.windowStart;
  }

  /** This process's receiver stored `count` new pending bodies. */
  stored(count: number): void {
    this.arrivals += count;
  }

  /** Whether the processor is in a rest (the next run only asks `afterRest`, it claims nothing). */
  get isResting(): boolean {
    return this.resting;
  }

  /** A batch is about to claim. */
  beforeBatch(): void {
    this.batchStart = this.clock.now();
  }

  /** After a batch: claim again now, rest, or wait for new bodies. */
  afterBatch(batch: BatchOutcome): NextBatch {
    if (batch.claimed === 0) {
      this.endWindow();
      return { kind: 'idle' };
    }
    // Claims go oldest first. After a full batch, what stayed due had waited no longer than the oldest
    // claimed; after a partial one, everything due was claimed, so what is due now became due since.
    this.oldestDueSince = batch.claimed >= batch.batchSize ? this.clock.now() - batch.lagMs : this.batchStart;
    const rest = this.restOrNull();
    if (rest) return rest;
    return batch.claimed >= batch.batchSize ? { kind: 'now' } : { kind: 'idle' };
  }

  /** After a rest: rest on while the burst lasts (within the lag bound), else take a batch now. */
  afterRest(): NextBatch {
    return this.restOrNull() ?? { kind: 'now' };
  }

  private restOrNull(): NextBatch | null {
    const now = this.clock.now();
    const burst = this.inBurst(now);
    this.endWindow();
    const lagLeft = this.settings.maxLagMs - (this.oldestDueSince === null ? 0 : now - this.oldestDueSince);
    this.resting = burst && lagLeft > 0;
    return this.resting ? { kind: 'rest', ms: Math.min(this.settings.yieldMs, lagLeft) } : null;
  }

  private inBurst(now: number): boolean {
    if (this.arrivals === 0) return false;
    const { yieldArrivalsPerSecond, yieldUtilization } = this.settings;
    const elapsedMs = Math.max(now - this.windowStart, 1);
    const fast = yieldArrivalsPerSecond > 0 && (this.arrivals * 1000) / elapsedMs >= yieldArrivalsPerSecond;
    const busy = yieldUtilization < 1 && this.clock.loopUtilization() >= yieldUtilization;
    return fast || busy;
  }

  private endWindow(): void {
    this.arrivals = 0;
    this.windowStart = this.clock.now();
    this.clock.loopUtilization();
  }
}
