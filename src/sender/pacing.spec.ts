import { planPacing } from './pacing.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1_000);

describe('planPacing', () => {
  it.each([
    // limit, open, oldest (minutes ago), next slot (s from now), → remaining, per minute, allowed
    ['empty window: the whole limit over 24 h', 1440, 0, null, null, 1440, 1, 1],
    ['120 left, oldest leaves in 10 min: 12/min', 1000, 880, 23 * 60 + 50, null, 120, 12, 1],
    ['next slot still ahead: nothing yet', 1000, 880, 23 * 60 + 50, 3, 120, 12, 0],
    ['next slot 12 s behind (5 s interval): catch-up capped at 10 s → 3', 1000, 880, 23 * 60 + 50, -12, 120, 12, 3],
    ['exactly on the slot', 1000, 880, 23 * 60 + 50, 0, 120, 12, 1],
    ['budget used up', 250, 250, 60, null, 0, 0, 0],
    ['more open than the limit (limit lowered)', 250, 300, 60, null, 0, 0, 0],
    ['oldest already due out: a horizon of at least 1 s', 10, 5, 24 * 60 + 1, null, 5, 300, 1],
    ['… and a slot 10 s behind catches up at most the remaining budget', 10, 5, 24 * 60 + 1, -10, 5, 300, 5],
  ])('%s', (_name, limit, open, oldestMinutesAgo, slotSeconds, remaining, perMinute, allowed) => {
    const plan = planPacing({
      limit,
      open,
      oldest: oldestMinutesAgo === null ? null : ago(oldestMinutesAgo),
      nextSlotAt: slotSeconds === null ? null : later(slotSeconds),
      now: NOW,
    });
    expect(plan.remaining).toBe(remaining);
    expect(plan.perMinute).toBeCloseTo(perMinute, 6);
    expect(plan.allowed).toBe(allowed);
  });

  it.each([
    // used, next slot (s from now): 5 s interval, starting from the slot now
    [0, 0],
    [1, 5],
    [3, 15],
  ])('after using %i the next slot is %i s on', (used, seconds) => {
    const plan = planPacing({ limit: 1000, open: 880, oldest: ago(23 * 60 + 50), nextSlotAt: null, now: NOW });
    expect(plan.nextSlotAfter(used).getTime()).toBe(later(seconds).getTime());
  });

  it('a long idle channel gets no burst: one slot when the interval is longer than the catch-up', () => {
    const plan = planPacing({ limit: 1000, open: 0, oldest: null, nextSlotAt: ago(600), now: NOW });
    expect(plan.allowed).toBe(1);
  });

  it('driven minute by minute, the plan sends its pace and never more than the limit', () => {
    let now = NOW.getTime();
    let nextSlotAt: Date | null = null;
    const starts: number[] = Array.from({ length: 880 }, () => NOW.getTime() - (23 * 60 + 50) * 60_000);
    const perMinute: number[] = [];
    for (let minute = 0; minute < 9; minute += 1) {
      let sent = 0;
      for (let second = 0; second < 60; second += 1, now += 1_000) {
        const inWindow = starts.filter((start) => start > now - 24 * 3_600_000);
        const plan = planPacing({ limit: 1000, open: inWindow.length, oldest: inWindow.length ? new Date(Math.min(...inWindow)) : null, nextSlotAt, now: new Date(now) });
        for (let i = 0; i < plan.allowed; i += 1) starts.push(now);
        sent += plan.allowed;
        if (plan.allowed > 0) nextSlotAt = plan.nextSlotAfter(plan.allowed);
      }
      perMinute.push(sent);
    }
    expect(perMinute).toEqual(Array(9).fill(12));
  });
});
