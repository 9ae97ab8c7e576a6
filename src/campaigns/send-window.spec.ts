import { isInsideWindow, nextWindowOpening, validateSendWindow } from './send-window.js';

const berlin = { start: '09:00', end: '20:00', timezone: 'Europe/Berlin' };
const overnight = { start: '22:00', end: '06:00', timezone: 'Europe/Berlin' };
const newYork = { start: '02:30', end: '05:00', timezone: 'America/New_York' };

describe('send window', () => {
  it.each([
    ['before opening', berlin, '2026-06-01T06:59:00Z', false],
    ['at opening (09:00 CEST)', berlin, '2026-06-01T07:00:00Z', true],
    ['just before close', berlin, '2026-06-01T17:59:00Z', true],
    ['at close (end is exclusive)', berlin, '2026-06-01T18:00:00Z', false],
    ['winter time, 09:00 CET', berlin, '2026-01-15T08:00:00Z', true],
    ['winter time, 08:30 CET', berlin, '2026-01-15T07:30:00Z', false],
    ['overnight, 23:00', overnight, '2026-06-01T21:00:00Z', true],
    ['overnight, 03:00', overnight, '2026-06-01T01:00:00Z', true],
    ['overnight, 12:00', overnight, '2026-06-01T10:00:00Z', false],
  ])('%s → inside=%p', (_label, window, now, inside) => {
    expect(isInsideWindow(new Date(now), window)).toBe(inside);
  });

  it.each([
    ['inside: now', berlin, '2026-06-01T10:00:00Z', '2026-06-01T10:00:00.000Z'],
    ['early morning: today 09:00 CEST', berlin, '2026-06-01T05:00:00Z', '2026-06-01T07:00:00.000Z'],
    ['evening: tomorrow 09:00 CEST', berlin, '2026-06-01T19:30:00Z', '2026-06-02T07:00:00.000Z'],
    // Europe springs forward on 2026-03-29 at 02:00 → 03:00: 09:00 that day is 07:00Z, the day before 08:00Z.
    ['evening before spring-forward', berlin, '2026-03-28T20:00:00Z', '2026-03-29T07:00:00.000Z'],
    // Falls back on 2026-10-25 at 03:00 → 02:00: 09:00 that day is 08:00Z.
    ['evening before fall-back', berlin, '2026-10-24T19:00:00Z', '2026-10-25T08:00:00.000Z'],
    ['overnight window at noon: 22:00 local', overnight, '2026-06-01T10:00:00Z', '2026-06-01T20:00:00.000Z'],
    // New York springs forward on 2026-03-08 at 02:00 → 03:00: 02:30 does not exist; opens at 03:30 EDT.
    ['start inside the DST gap', newYork, '2026-03-08T05:00:00Z', '2026-03-08T07:30:00.000Z'],
    ['day after the DST gap', newYork, '2026-03-08T12:00:00Z', '2026-03-09T06:30:00.000Z'],
  ])('%s', (_label, window, now, expected) => {
    expect(nextWindowOpening(new Date(now), window).toISOString()).toBe(expected);
  });

  it.each([
    [{ start: '09:00', end: '20:00', timezone: 'Europe/Berlin' }, []],
    [{ start: '9:00', end: '20:00', timezone: 'Europe/Berlin' }, ['sendWindow.start must be a time of day as HH:MM (00:00–23:59), got "9:00"']],
    [{ start: '09:00', end: '24:00', timezone: 'Europe/Berlin' }, ['sendWindow.end must be a time of day as HH:MM (00:00–23:59), got "24:00"']],
    [{ start: '09:00', end: '20:00', timezone: 'Mars/Base' }, ['sendWindow.timezone must be an IANA time zone such as "Europe/Berlin", or "recipient", got "Mars/Base"']],
    [{ start: '09:00', end: '20:00', timezone: 'recipient', fallbackTimezone: 'Europe/Berlin' }, []],
    [
      { start: '09:00', end: '20:00', timezone: 'recipient' },
      ['sendWindow.fallbackTimezone is required with timezone "recipient": the IANA zone of recipients whose own zone is unknown, e.g. "Europe/Berlin"'],
    ],
    [
      { start: '09:00', end: '20:00', timezone: 'recipient', fallbackTimezone: 'Mars/Base' },
      ['sendWindow.fallbackTimezone must be an IANA time zone such as "Europe/Berlin", got "Mars/Base"'],
    ],
    [
      { start: '09:00', end: '20:00', timezone: 'Europe/Berlin', fallbackTimezone: 'UTC' },
      ['sendWindow.fallbackTimezone applies only with timezone "recipient": remove it, or set timezone to "recipient"'],
    ],
    [{ start: '10:00', end: '10:00', timezone: 'UTC' }, ['sendWindow is empty: start and end are the same time']],
  ])('validates %p', (window, problems) => {
    expect(validateSendWindow(window)).toEqual(problems);
  });
});
