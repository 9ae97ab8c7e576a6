/** Rate rules of the sandbox, pure: time is passed in (milliseconds, any monotonic origin). */

export type RateWindowMode = 'sliding' | 'fixed';

export interface RateLimiter {
  readonly limit: number;
  /** True (and counted) when one more message fits now. */
  tryAcquire(now: number): boolean;
}

/**
 * At most `limit` acquisitions in any interval of `windowMs` — the strict reading of "N per second".
 * Keeps the times of the last `limit` acquisitions in a ring: the next one fits once the oldest of
 * them is a full window old.
 */
export class SlidingWindowLimiter implements RateLimiter {
  private readonly times: Float64Array;
  private count = 0;
  private oldest = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
    this.times = new Float64Array(limit);
  }

  tryAcquire(now: number): boolean {
    if (this.count < this.limit) {
      this.times[(this.oldest + this.count) % this.limit] = now;
      this.count += 1;
      return true;
    }
    if (now - this.times[this.oldest] < this.windowMs) return false;
    this.times[this.oldest] = now;
    this.oldest = (this.oldest + 1) % this.limit;
    return true;
  }
}

/** At most `limit` per window aligned to multiples of `windowMs` (so up to 2×limit across a boundary). */
export class FixedWindowLimiter implements RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    readonly limit: number,
    private readonly windowMs = 1000,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  }

  tryAcquire(now: number): boolean {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.count = 0;
    }
    if (this.count >= this.limit) return false;
    this.count += 1;
    return true;
  }
}

export function createRateLimiter(limit: number | null, mode: RateWindowMode): RateLimiter | null {
  if (limit === null) return null;
  return mode === 'fixed' ? new FixedWindowLimiter(limit) : new SlidingWindowLimiter(limit);
}

/**
 * The most events seen in any interval of `windowMs` so far — what a benchmark compares with the
 * configured rate. Counts events in (now - windowMs, now], the same interval the sliding limiter bounds.
 */
export class MaxInWindowTracker {
  private times: number[] = [];
  private head = 0;
  private best = 0;

  constructor(private readonly windowMs = 1000) {}

  get max(): number {
    return this.best;
  }

  record(now: number): void {
    this.times.push(now);
    while (this.times[this.head] <= now - this.windowMs) this.head += 1;
    const inWindow = this.times.length - this.head;
    if (inWindow > this.best) this.best = inWindow;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
