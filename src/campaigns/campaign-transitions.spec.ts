import { CAMPAIGN_ACTIONS, CAMPAIGN_STATUSES, type CampaignAction, type CampaignStatus, transition } from './campaign-transitions.js';

const now = new Date('2026-11-21T12:00:00Z');
const future = new Date('2026-11-22T12:00:00Z');
const past = new Date('2026-11-20T12:00:00Z');

const allowed: Array<[CampaignStatus, CampaignAction, CampaignStatus]> = [
  ['draft', 'schedule', 'scheduled'],
  ['scheduled', 'schedule', 'scheduled'],
  ['scheduled', 'pause', 'paused'],
  ['running', 'pause', 'paused'],
  ['paused', 'resume', 'running'],
  ['draft', 'cancel', 'cancelled'],
  ['scheduled', 'cancel', 'cancelled'],
  ['running', 'cancel', 'cancelled'],
  ['paused', 'cancel', 'cancelled'],
  ['running', 'retry-failed', 'running'],
  ['paused', 'retry-failed', 'running'],
  ['completed', 'retry-failed', 'running'],
];

describe('campaign transitions', () => {
  it.each(allowed)('%s --%s--> %s', (from, action, to) => {
    expect(transition(from, action, { now, scheduledAt: past, launched: true })).toEqual({ ok: true, to });
  });

  const allowedKeys = new Set(allowed.map(([from, action]) => `${from}:${action}`));
  const refused = CAMPAIGN_STATUSES.flatMap((from) =>
    CAMPAIGN_ACTIONS.filter((action) => !allowedKeys.has(`${from}:${action}`)).map((action) => [from, action] as const),
  );

  it.each(refused)('%s --%s--> refused, naming the current status', (from, action) => {
    const result = transition(from, action, { now, scheduledAt: past, launched: false });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(`is ${from}`);
  });

  it.each([
    ['not launched, time ahead', future, false, 'scheduled'],
    ['not launched, time passed', past, false, 'running'],
    ['launched, time ahead (rescheduled after launch cannot un-launch)', future, true, 'running'],
  ] as const)('resume when %s', (_label, scheduledAt, launched, to) => {
    expect(transition('paused', 'resume', { now, scheduledAt, launched })).toEqual({ ok: true, to });
  });

  // retry-failed also un-pauses: a campaign paused before its launch keeps its scheduled time.
  it.each([
    ['paused', 'not launched, time ahead', future, false, 'scheduled'],
    ['paused', 'not launched, time passed', past, false, 'running'],
    ['paused', 'launched, time ahead', future, true, 'running'],
    ['running', 'launched', past, true, 'running'],
    ['completed', 'launched, time ahead', future, true, 'running'],
  ] as const)('retry-failed from %s when %s', (from, _label, scheduledAt, launched, to) => {
    expect(transition(from, 'retry-failed', { now, scheduledAt, launched })).toEqual({ ok: true, to });
  });
});
