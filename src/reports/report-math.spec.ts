import {
  bucketStart,
  chooseBucket,
  estimateCompletion,
  groupErrors,
  parseErrorKey,
  sendRate,
  summariseCounters,
} from './report-math.js';

describe('parseErrorKey', () => {
  it.each([
    ['error:131026:Message undeliverable', { code: 131026, title: 'Message undeliverable' }],
    ['error:131026:', { code: 131026, title: null }],
    ['error:470:Re-engagement: message failed: 24h', { code: 470, title: 'Re-engagement: message failed: 24h' }],
    ['error:-1:negative', { code: -1, title: 'negative' }],
    ['error:abc:x', null],
    ['error:131026', null],
    ['sent', null],
    ['error:99999999999999999999:too big', null],
  ])('%j → %j', (key, expected) => {
    expect(parseErrorKey(key)).toEqual(expected);
  });
});

describe('groupErrors', () => {
  it.each([
    ['empty', [], []],
    [
      'most frequent first, ties by code',
      [
        { code: 131026, title: 'Message undeliverable', count: 40 },
        { code: 131047, title: 'Re-engagement message', count: 60 },
        { code: 100, title: 'Invalid parameter', count: 40 },
      ],
      [
        { code: 131047, title: 'Re-engagement message', count: 60 },
        { code: 100, title: 'Invalid parameter', count: 40 },
        { code: 131026, title: 'Message undeliverable', count: 40 },
      ],
    ],
    [
      'one code under several titles: summed, most frequent title wins',
      [
        { code: 131026, title: 'Message undeliverable', count: 3 },
        { code: 131026, title: 'Undeliverable', count: 5 },
        { code: 131026, title: null, count: 1 },
      ],
      [{ code: 131026, title: 'Undeliverable', count: 9 }],
    ],
    [
      'title ties: alphabetical, null last',
      [
        { code: 1, title: null, count: 2 },
        { code: 1, title: 'b', count: 2 },
        { code: 1, title: 'a', count: 2 },
      ],
      [{ code: 1, title: 'a', count: 6 }],
    ],
    [
      'zero and negative shard sums are dropped',
      [
        { code: 1, title: 'gone', count: 0 },
        { code: 2, title: 'x', count: -1 },
      ],
      [],
    ],
  ])('%s', (_name, entries, expected) => {
    expect(groupErrors(entries)).toEqual(expected);
  });
});

describe('summariseCounters', () => {
  it('sums shards, fills every status, and adds counts up to total', () => {
    const summary = summariseCounters([
      { key: 'pending', count: '4' },
      { key: 'pending', count: 6 },
      { key: 'sent', count: '100' },
      { key: 'delivered', count: '600' },
      { key: 'read', count: '200' },
      { key: 'failed', count: '60' },
      { key: 'skipped', count: '30' },
      { key: 'sending', count: '0' },
      { key: 'reached:sent', count: '900' },
      { key: 'reached:delivered', count: '800' },
      { key: 'reached:read', count: '200' },
      { key: 'error:131026:Message undeliverable', count: '25' },
      { key: 'error:131026:Message undeliverable', count: '15' },
      { key: 'error:131047:Re-engagement message', count: '20' },
      { key: 'waiting:send_window', count: '7' },
      { key: 'waiting:retry', count: '2' },
      { key: 'waiting:messaging_limit', count: '0' },
    ]);
    expect(summary.counts).toEqual({
      pending: 10,
      sending: 0,
      sent: 100,
      delivered: 600,
      read: 200,
      failed: 60,
      skipped: 30,
      cancelled: 0,
      unknown: 0,
    });
    expect(summary.total).toBe(1000);
    expect(summary.reached).toEqual({ sent: 900, delivered: 800, read: 200 });
    expect(summary.errors).toEqual([
      { code: 131026, title: 'Message undeliverable', count: 40 },
      { code: 131047, title: 'Re-engagement message', count: 20 },
    ]);
    expect(summary.waiting).toEqual([
      { reason: 'send_window', count: 7 },
      { reason: 'retry', count: 2 },
    ]);
  });

  it('an unexpected status still counts towards total', () => {
    const summary = summariseCounters([
      { key: 'sent', count: 1 },
      { key: 'mystery', count: 2 },
    ]);
    expect(summary.counts.mystery).toBe(2);
    expect(summary.total).toBe(3);
  });

  it('no counters: zeros everywhere', () => {
    const summary = summariseCounters([]);
    expect(summary.total).toBe(0);
    expect(Object.values(summary.counts).every((count) => count === 0)).toBe(true);
    expect(summary.errors).toEqual([]);
  });
});

describe('sendRate', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  it.each([
    ['nothing sent yet', 0, null, 0, 10],
    ['steady over the full window', 800, ago(3600), 80, 10],
    ['started 4 s ago: measured over 4 s', 400, ago(4), 100, 4],
    ['started 0.2 s ago: at least one second', 50, ago(0.2), 50, 1],
    ['paused: no recent sends', 0, ago(3600), 0, 10],
    ['fractional rates keep one decimal', 7, ago(60), 0.7, 10],
  ])('%s', (_name, recentSends, firstSentAt, perSecond, windowSeconds) => {
    expect(sendRate({ recentSends, now, firstSentAt })).toEqual({ perSecond, windowSeconds });
  });
});

describe('estimateCompletion', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it.each([
    ['not running', 'paused', 100, 10, null],
    ['completed', 'completed', 0, 0, null],
    ['nothing left', 'running', 0, 50, { remaining: 0, secondsRemaining: 0, completesAt: now }],
    ['no rate yet', 'running', 100, 0, { remaining: 100, secondsRemaining: null, completesAt: null }],
    [
      '1000 left at 80/s → 13 s (rounded up)',
      'running',
      1000,
      80,
      { remaining: 1000, secondsRemaining: 13, completesAt: new Date('2026-01-01T12:00:13Z') },
    ],
    [
      '1M left at 1000/s → 1000 s',
      'running',
      1_000_000,
      1000,
      { remaining: 1_000_000, secondsRemaining: 1000, completesAt: new Date('2026-01-01T12:16:40Z') },
    ],
  ])('%s', (_name, status, remaining, perSecond, expected) => {
    expect(estimateCompletion({ status, remaining, perSecond, now })).toEqual(expected);
  });
});

describe('chooseBucket', () => {
  const minute = 60_000;
  it.each([
    [0, undefined, 'second'],
    [10 * minute, undefined, 'second'],
    [15 * minute, undefined, 'second'],
    [16 * minute, undefined, 'minute'],
    [14 * 60 * minute, undefined, 'minute'],
    [16 * 60 * minute, undefined, 'hour'],
    [60 * 24 * 60 * minute, undefined, 'day'],
    [5 * minute, 'minute', 'minute'],
    [60 * minute, 'second', 'minute'],
    [60 * minute, 'day', 'day'],
  ] as const)('span %p ms, requested %p → %p', (span, requested, expected) => {
    expect(chooseBucket(span, requested)).toBe(expected);
  });
});

describe('bucketStart', () => {
  it.each([
    ['2026-01-01T12:34:56.789Z', 'second', '2026-01-01T12:34:56.000Z'],
    ['2026-01-01T12:34:56.789Z', 'minute', '2026-01-01T12:34:00.000Z'],
    ['2026-01-01T12:34:56.789Z', 'hour', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:34:56.789Z', 'day', '2026-01-01T00:00:00.000Z'],
  ] as const)('%s by %s → %s', (at, bucket, expected) => {
    expect(bucketStart(new Date(at), bucket).toISOString()).toBe(expected);
  });
});
