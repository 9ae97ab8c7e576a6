import { parseOptInDate } from './opt-in-date.js';

const NOW = new Date('2026-06-15T12:00:00Z');

describe('parseOptInDate', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    [' 2024-03-01 ', '2024-03-01T00:00:00.000Z'],
    ['2024-3-1', '2024-03-01T00:00:00.000Z'],
    ['2024/03/01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T10:30', '2024-03-01T10:30:00.000Z'],
    ['2024-03-01 10:30:15', '2024-03-01T10:30:15.000Z'],
    ['2024-03-01T10:30:15.250Z', '2024-03-01T10:30:15.250Z'],
    ['2024-03-01T10:30:15+01:00', '2024-03-01T09:30:15.000Z'],
    ['2024-03-01T10:30:15-0530', '2024-03-01T16:00:15.000Z'],
    ['2024-03-01T10:30:15+02', '2024-03-01T08:30:15.000Z'],
    ['2024-03-01t10:30:15z', '2024-03-01T10:30:15.000Z'],
    ['01.03.2024', '2024-03-01T00:00:00.000Z'],
    ['1.3.2024 08:05', '2024-03-01T08:05:00.000Z'],
    ['13/01/2024', '2024-01-13T00:00:00.000Z'],
    ['01/13/2024', '2024-01-13T00:00:00.000Z'],
    ['05/05/2024', '2024-05-05T00:00:00.000Z'],
    ['13-01-2024', '2024-01-13T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['1709287200', '2024-03-01T10:00:00.000Z'],
    ['1709287200000', '2024-03-01T10:00:00.000Z'],
    ['2026-06-16T00:00:00Z', '2026-06-16T00:00:00.000Z'], // within a day of now: clock skew
  ])('%j → %s', (raw, expected) => {
    const result = parseOptInDate(raw, NOW);
    expect(result.ok && result.value.toISOString()).toBe(expected);
  });

  it.each([
    ['yesterday', 'invalid opted_in_at date'],
    ['2024-13-01', 'invalid opted_in_at date'],
    ['2023-02-29', 'invalid opted_in_at date'],
    ['2024-02-30', 'invalid opted_in_at date'],
    ['2024-03-01T25:00', 'invalid opted_in_at date'],
    ['32.01.2024', 'invalid opted_in_at date'],
    ['1969-12-31', 'invalid opted_in_at date'],
    ['12345', 'invalid opted_in_at date'],
    ['01/02/2024', 'ambiguous opted_in_at date'],
    ['03-04-2024', 'ambiguous opted_in_at date'],
    ['2027-01-01', 'opted_in_at is in the future'],
    ['2026-06-17T00:00:00Z', 'opted_in_at is in the future'],
  ])('%j → %s', (raw, reason) => {
    expect(parseOptInDate(raw, NOW)).toEqual({ ok: false, reason });
  });
});
