import { describe, expect, it } from 'vitest';
import { chartGeometry, mergeSeries, yTicks } from './chart';

const p = (t: string, sent: number, delivered = 0) => ({ t: `2026-12-01T10:00:${t}Z`, sent, delivered });

describe('chartGeometry', () => {
  it('draws cumulative lines scaled to the box', () => {
    const geometry = chartGeometry([p('00', 10, 0), p('10', 10, 10), p('20', 20, 10)], 100, 40);
    expect(geometry).toMatchObject({ totalSent: 40, totalDelivered: 20, maxY: 40 });
    // from 0 at the left edge; three buckets: points at the end of each third
    expect(geometry.sent).toBe('0,40 33.3,30 66.7,20 100,0');
    expect(geometry.delivered).toBe('0,40 33.3,40 66.7,30 100,20');
  });

  it('sorts points by time and draws a single bucket as one rising line', () => {
    expect(chartGeometry([p('05', 3, 1)], 100, 10).sent).toBe('0,10 100,0');
    expect(chartGeometry([p('10', 1), p('00', 1)], 10, 10).sent).toBe('0,10 5,5 10,0');
  });

  it('scales to the top tick when it is above the totals', () => {
    expect(chartGeometry([p('00', 5)], 100, 60, 6)).toMatchObject({ sent: '0,60 100,10', maxY: 6 });
  });

  it('has nothing to draw for no points', () => {
    expect(chartGeometry([], 100, 40)).toMatchObject({ sent: '', delivered: '', totalSent: 0, start: null });
  });
});

describe('mergeSeries', () => {
  const held = { bucket: 'second', items: [p('00', 1), p('01', 2), p('02', 1)] };
  it('replaces the re-sent last bucket and appends newer ones', () => {
    expect(mergeSeries(held, { bucket: 'second', items: [p('02', 5), p('03', 1)] })!.items.map((x) => x.sent)).toEqual([1, 2, 5, 1]);
  });
  it('keeps what it has when nothing new came', () => {
    expect(mergeSeries(held, { bucket: 'second', items: [] })).toBe(held);
  });
  it('asks for a full reload when the bucket size changed', () => {
    expect(mergeSeries(held, { bucket: 'minute', items: [p('00', 9)] })).toBeNull();
  });
  it('takes the first answer as it is', () => {
    const first = { bucket: 'minute', items: [p('00', 9)] };
    expect(mergeSeries(null, first)).toBe(first);
  });
});

describe('yTicks', () => {
  it.each([
    [40, [0, 10, 20, 30, 40]],
    [7, [0, 2, 4, 6, 8]],
    [5, [0, 2, 4, 6]],
    [1_000_000, [0, 500_000, 1_000_000]],
    [0, [0]],
  ])('yTicks(%s)', (max, expected) => expect(yTicks(max)).toEqual(expected));
});
