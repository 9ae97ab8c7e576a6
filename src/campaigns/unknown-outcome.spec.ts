import { STATUS_ORDER_SLACK_SECONDS, statusWatermark, UNKNOWN_OUTCOME_RECHECK_SECONDS, unknownOutcomeVerdict } from './unknown-outcome.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + seconds * 1000);
const MAX = 3600;

describe('unknownOutcomeVerdict: resend an unknown Cloud outcome only when webhooks flow, or after the max wait', () => {
  it.each([
    // [case, dispatched, seen through, now, verdict]
    ['no status seen yet on the channel: waits', 0, null, 700, { kind: 'wait', until: at(700 + UNKNOWN_OUTCOME_RECHECK_SECONDS) }],
    ['statuses only for messages sent before it: waits', 0, -10, 700, { kind: 'wait', until: at(700 + UNKNOWN_OUTCOME_RECHECK_SECONDS) }],
    ['statuses for messages sent with it (same dispatch): waits', 0, 0, 700, { kind: 'wait', until: at(700 + UNKNOWN_OUTCOME_RECHECK_SECONDS) }],
    ['a status for a message sent after it: resent', 0, 0.001, 700, { kind: 'resend' }],
    ['a status for a message sent long after it: resent', 0, 500, 700, { kind: 'resend' }],
    ['silent, the next check would pass the max: waits until the max', 0, null, MAX - 2, { kind: 'wait', until: at(MAX) }],
    ['silent, at the max: resent', 0, null, MAX, { kind: 'resend' }],
    ['silent, past the max: resent', 0, -5, MAX + 100, { kind: 'resend' }],
  ] as const)('%s', (_case, dispatched, seenThrough, now, verdict) => {
    expect(
      unknownOutcomeVerdict({ dispatchedAt: at(dispatched), seenThrough: seenThrough === null ? null : at(seenThrough), now: at(now), maxWaitSeconds: MAX }),
    ).toEqual(verdict);
  });

  it.each([
    [0, null, 0, { kind: 'resend' }],
    [0, null, 10, { kind: 'resend' }],
  ] as const)('a max wait of 0 resends after the grace as before (dispatched %p, seen %p, now %p)', (dispatched, seenThrough, now, verdict) => {
    expect(unknownOutcomeVerdict({ dispatchedAt: at(dispatched), seenThrough, now: at(now), maxWaitSeconds: 0 })).toEqual(verdict);
  });
});

describe('statusWatermark: how far one applied status shows the webhooks flowing', () => {
  const SLACK = STATUS_ORDER_SLACK_SECONDS;
  it.each([
    // [case, its message dispatched, status recorded, now, watermark]
    ['sent seconds after its dispatch: its dispatch', 0, 2, 10, 0],
    ['read within the slack: its dispatch', 0, SLACK, SLACK + 5, 0],
    ['read well after its dispatch: the read less the slack', 0, SLACK + 300, SLACK + 310, 300],
    ['read of an old message: the read less the slack', -5000, 400, 410, 400 - SLACK],
    ['recorded ahead of this clock: no further than now less the slack', 0, 5000, 500, 500 - SLACK],
  ] as const)('%s', (_case, dispatched, recorded, now, watermark) => {
    expect(statusWatermark(at(dispatched), at(recorded), at(now))).toEqual(at(watermark));
  });

  it('a batch-mate read later than the slack lets the last batch\'s unknown outcome be resent', () => {
    const seenThrough = statusWatermark(at(0), at(SLACK + 1), at(700));
    expect(unknownOutcomeVerdict({ dispatchedAt: at(0), seenThrough, now: at(700), maxWaitSeconds: MAX })).toEqual({ kind: 'resend' });
  });
});
