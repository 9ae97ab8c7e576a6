import { describe, expect, it } from 'vitest';
import { checkOptions, deliveryBody, EMPTY_OPTIONS, frequencyCapBody, sendWindowBody, winnerBody } from './campaign-options';

const form = (patch: Partial<typeof EMPTY_OPTIONS>) => ({ ...EMPTY_OPTIONS, timezone: 'Europe/Berlin', ...patch });

describe('campaign options', () => {
  it.each([
    [{}, undefined],
    [{ windowStart: '09:00', windowEnd: '20:00' }, { start: '09:00', end: '20:00', timezone: 'Europe/Berlin' }],
    [
      { windowStart: '09:00', windowEnd: '10:00', recipientZone: true, fallbackTimezone: ' Europe/Berlin ' },
      { start: '09:00', end: '10:00', timezone: 'recipient', fallbackTimezone: 'Europe/Berlin' },
    ],
  ])('send window %j → %j', (patch, expected) => expect(sendWindowBody(form(patch))).toEqual(expected));

  it.each([
    [{}, undefined],
    [{ capMax: '2', capHours: '168' }, { max: 2, hours: 168 }],
  ])('frequency cap %j → %j', (patch, expected) => expect(frequencyCapBody(form(patch))).toEqual(expected));

  it.each([
    [{}, undefined],
    [{ winnerMetric: 'clicked' as const }, { metric: 'clicked', testShare: 20, afterHours: 4 }],
  ])('winner %j → %j', (patch, expected) => expect(winnerBody(form(patch))).toEqual(expected));

  it.each([
    [{}, {}],
    [{ ttlHours: '48' }, { ttlSeconds: 172800 }],
    [{ validUntil: '2026-12-24T18:00', ttlHours: ' ' }, { validUntil: expect.stringMatching(/^2026-12-24T18:00:00[+-]\d{2}:\d{2}$/) }],
  ])('delivery %j → %j', (patch, expected) => expect(deliveryBody(form(patch))).toEqual(expected));

  it.each([
    [{}, {}],
    [{ ttlHours: '12' }, {}],
    [{ ttlHours: '720' }, {}],
    [{ ttlHours: '11' }, { ttlSeconds: expect.stringContaining('from 12 to 720') }],
    [{ ttlHours: '721' }, { ttlSeconds: expect.any(String) }],
    [{ ttlHours: '24.5' }, { ttlSeconds: expect.any(String) }],
    [{ validUntil: '24.12.2026' }, { validUntil: expect.stringContaining('not a date') }],
    [{ windowStart: '09:00' }, { sendWindow: expect.stringContaining('both') }],
    [{ windowStart: '09:00', windowEnd: '10:00', recipientZone: true }, { sendWindow: expect.stringContaining('fallback') }],
    [{ capMax: '1' }, { frequencyCap: expect.stringContaining('both numbers') }],
    [{ capMax: '1.5', capHours: '24' }, { frequencyCap: expect.any(String) }],
    [{ winnerMetric: 'read' as const, testShare: '' }, { winner: expect.any(String) }],
  ])('checkOptions(%j)', (patch, expected) => expect(checkOptions(form(patch))).toEqual(expected));
});
