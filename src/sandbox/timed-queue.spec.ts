import { TimedQueue } from './timed-queue.js';

describe('TimedQueue', () => {
  it.each([
    ['in due order', [[30, 'c'], [10, 'a'], [20, 'b']], 100, ['a', 'b', 'c']],
    ['only what is due', [[30, 'c'], [10, 'a'], [20, 'b']], 20, ['a', 'b']],
    ['ties in insertion order', [[5, 'x'], [5, 'y'], [1, 'w'], [5, 'z']], 5, ['w', 'x', 'y', 'z']],
    ['nothing due', [[10, 'a']], 9, []],
  ] as Array<[string, Array<[number, string]>, number, string[]]>)('%s', (_name, entries, now, expected) => {
    const queue = new TimedQueue<string>();
    for (const [due, item] of entries) queue.push(due, item);
    expect(queue.popDue(now)).toEqual(expected);
    expect(queue.size).toBe(entries.length - expected.length);
  });

  it('stays ordered under many random pushes', () => {
    const queue = new TimedQueue<number>();
    const dues = Array.from({ length: 500 }, (_, index) => (index * 7919) % 1000);
    for (const due of dues) queue.push(due, due);
    expect(queue.popDue(Number.POSITIVE_INFINITY)).toEqual([...dues].sort((a, b) => a - b));
  });

  it('limits how many it pops', () => {
    const queue = new TimedQueue<number>();
    for (let index = 0; index < 10; index += 1) queue.push(index, index);
    expect(queue.popDue(100, 3)).toEqual([0, 1, 2]);
    expect(queue.nextDue).toBe(3);
  });
});
