export type DateRejectReason = 'invalid opted_in_at date' | 'ambiguous opted_in_at date' | 'opted_in_at is in the future';

export type DateResult = { ok: true; value: Date } | { ok: false; reason: DateRejectReason };

/** A consent date may run ahead of our clock by this much (time zones, clock skew). */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
const EARLIEST = Date.UTC(1970, 0, 1);

// 2024-03-01, 2024-03-01T10:00, 2024-03-01 10:00:00.123Z, 2024-03-01T10:00:00+01:00, also 2024/03/01
const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// 01.03.2024, 01/03/2024, 03/01/2024 (day/month order decided below), optional time
const DMY = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^\d{10}(?:\d{3})?$/;

/**
 * Parses the opted_in_at column. Times without an offset are UTC. Day/month order is taken from the
 * separator's convention only when the values prove it (13/01/2024 is day-first, 01/13/2024 is
 * month-first); 01/02/2024 with "/" or "-" is refused as ambiguous rather than guessed. "." is
 * always day-first (German, Swiss, Russian … style).
 */
export function parseOptInDate(raw: string, now: Date = new Date()): DateResult {
  const text = raw.trim();
  let time: number | null = null;

  let match = ISO.exec(text);
  if (match) {
    time = build(+match[1], +match[2], +match[3], match[4], match[5], match[6], match[7], match[8]);
  } else if ((match = DMY.exec(text))) {
    const first = +match[1];
    const second = +match[3];
    let day: number;
    let month: number;
    if (match[2] === '.' || first > 12) {
      day = first;
      month = second;
    } else if (second > 12) {
      day = second;
      month = first;
    } else if (first === second) {
      day = first;
      month = second;
    } else {
      return { ok: false, reason: 'ambiguous opted_in_at date' };
    }
    time = build(+match[4], month, day, match[5], match[6], match[7], undefined, undefined);
  } else if (EPOCH.test(text)) {
    time = text.length === 10 ? Number(text) * 1000 : Number(text);
  }

  if (time === null || Number.isNaN(time) || time < EARLIEST) return { ok: false, reason: 'invalid opted_in_at date' };
  if (time > now.getTime() + FUTURE_TOLERANCE_MS) return { ok: false, reason: 'opted_in_at is in the future' };
  return { ok: true, value: new Date(time) };
}

function build(
  year: number,
  month: number,
  day: number,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
  fraction: string | undefined,
  offset: string | undefined,
): number | null {
  const h = hours === undefined ? 0 : +hours;
  const mi = minutes === undefined ? 0 : +minutes;
  const s = seconds === undefined ? 0 : +seconds;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.UTC(year, month - 1, day, h, mi, s, ms);
  const check = new Date(utc);
  // Rejects 2024-02-30 (Date.UTC would roll it over to March).
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return utc - offsetMinutes(offset) * 60_000;
}

function offsetMinutes(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}
