import { FixedWindowLimiter, MaxInWindowTracker, SlidingWindowLimiter } from './rate-window.js';

/** Feeds attempt times to a limiter and lists which were accepted. */
function accepted(limiter: { tryAcquire(now: number): boolean }, times: number[]): number[] {
  return times.filter((time) => limiter.tryAcquire(time));
}

describe('SlidingWindowLimiter', () => {
  it.each([
    ['a burst up to the limit', 3, [0, 0, 0, 0], [0, 0, 0]],
    ['the 4th fits once the 1st is a full second old', 3, [0, 100, 200, 999, 1000], [0, 100, 200, 1000]],
    ['refills one slot at a time', 2, [0, 500, 999, 1000, 1400, 1500], [0, 500, 1000, 1500]],
    ['never more than N in any second', 2, [0, 600, 1100, 1500, 1599, 1600], [0, 600, 1100, 1600]],
    ['limit 1', 1, [0, 999.9, 1000, 1000], [0, 1000]],
  ])('%s', (_name, limit, times, expected) => {
    expect(accepted(new SlidingWindowLimiter(limit), times)).toEqual(expected);
  });

  it('rejects a limit below 1', () => {
    expect(() => new SlidingWindowLimiter(0)).toThrow(/positive/);
  });
});

describe('FixedWindowLimiter', () => {
  it.each([
    ['resets at each aligned second', 2, [0, 10, 20, 999, 1000, 1001, 1002], [0, 10, 1000, 1001]],
    ['allows 2N across a boundary', 2, [998, 999, 1000, 1001], [998, 999, 1000, 1001]],
  ])('%s', (_name, limit, times, expected) => {
    expect(accepted(new FixedWindowLimiter(limit), times)).toEqual(expected);
  });
});

describe('MaxInWindowTracker', () => {
  it.each([
    ['empty', [], 0],
    ['one', [5], 1],
    ['a burst', [0, 1, 2, 3], 4],
    ['spread over seconds', [0, 1000, 2000, 3000], 1],
    ['a window spanning a boundary', [0, 900, 950, 1000, 1100, 1899], 5],
    ['exactly one second apart falls out', [0, 500, 1000], 2],
  ])('%s', (_name, times, expected) => {
    const tracker = new MaxInWindowTracker();
    for (const time of times) tracker.record(time);
    expect(tracker.max).toBe(expected);
  });

  it('agrees with the sliding limiter it checks, over a long run', () => {
    const limiter = new SlidingWindowLimiter(50);
    const tracker = new MaxInWindowTracker();
    for (let time = 0; time < 20_000; time += 3.7) if (limiter.tryAcquire(time)) tracker.record(time);
    expect(tracker.max).toBe(50);
  });
});
