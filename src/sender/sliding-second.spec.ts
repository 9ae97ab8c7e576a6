import { SlidingSecond } from './sliding-second.js';

/** Batches already out (or still confirming), as [count, at, sent]. */
type Batch = [number, number, boolean];

function windowWith(batches: Batch[]): SlidingSecond {
  const window = new SlidingSecond(1000);
  for (const [count, at, sent] of batches) {
    const reservation = window.reserve(count, at);
    if (sent) window.markSent(reservation, at);
  }
  return window;
}

describe('SlidingSecond', () => {
  it.each<[string, Batch[], number, number, number, number]>([
    ['an empty window: go', [], 10, 100, 0, 0],
    ['room left: go', [[10, 0, true], [10, 100, true]], 10, 100, 200, 0],
    ['exactly full after this batch: go', Array.from({ length: 9 }, (_, i): Batch => [10, i * 105, true]), 10, 100, 945, 0],
    ['full: wait until the oldest batch leaves the window', Array.from({ length: 10 }, (_, i): Batch => [10, i * 105, true]), 10, 100, 999, 1],
    ['a late batch holds its place a window after it left', [[10, 57, true], ...Array.from({ length: 9 }, (_, i): Batch => [10, (i + 1) * 105, true])], 10, 100, 1050, 7],
    ['older batches no longer count', [[10, 0, true], [10, 20, true]], 90, 100, 1001, 0],
    ['a batch still confirming counts: wait for a sent one to leave', [[50, 900, false], [50, 950, true]], 10, 100, 960, 990],
    ['a batch still confirming never expires on its own', [[100, 0, false]], 10, 100, 5000, 10],
    ['a batch larger than the limit goes alone', [], 150, 100, 0, 0],
    ['a batch larger than the limit waits for the others', [[10, 500, true]], 150, 100, 600, 900],
  ])('%s', (_name, batches, count, limit, now, delay) => {
    expect(windowWith(batches).delayFor(count, limit, now)).toBe(delay);
  });

  it('a batch that sent nothing gives its place back', () => {
    const window = new SlidingSecond(1000);
    const held = window.reserve(100, 0);
    expect(window.delayFor(10, 100, 10)).toBe(10);
    window.release(held);
    expect(window.delayFor(10, 100, 10)).toBe(0);
  });

  it('counts a batch from when it left, not from when it started', () => {
    const window = new SlidingSecond(1000);
    const late = window.reserve(100, 0);
    window.markSent(late, 60);
    expect(window.delayFor(10, 100, 1005)).toBe(55);
    expect(window.delayFor(10, 100, 1061)).toBe(0);
  });
});
