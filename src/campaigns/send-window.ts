import { DateTime, IANAZone } from 'luxon';

export interface SendWindow {
  start: string;
  end: string;
  timezone: string;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) throw new Error(`"${clock}" is not a time of day as HH:MM (00:00–23:59)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Returns the problems with a window in words a user can act on (empty when it is valid). */
export function validateSendWindow(window: SendWindow): string[] {
  const problems: string[] = [];
  for (const key of ['start', 'end'] as const) {
    if (!CLOCK.test(window[key])) problems.push(`sendWindow.${key} must be a time of day as HH:MM (00:00–23:59), got "${window[key]}"`);
  }
  if (!IANAZone.isValidZone(window.timezone)) {
    problems.push(`sendWindow.timezone must be an IANA time zone such as "Europe/Berlin", got "${window.timezone}"`);
  }
  if (problems.length === 0 && window.start === window.end) {
    problems.push('sendWindow is empty: start and end are the same time');
  }
  return problems;
}

/** Whether `now` falls inside the window (a window whose end is before its start spans midnight). */
export function isInsideWindow(now: Date, window: SendWindow): boolean {
  const local = DateTime.fromJSDate(now, { zone: window.timezone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The first instant at or after `now` when sending is allowed. A start time that does not exist on a
 * day (skipped by a DST change) opens at the first wall-clock minute after the gap.
 */
export function nextWindowOpening(now: Date, window: SendWindow): Date {
  if (isInsideWindow(now, window)) return now;
  const start = minutesOf(window.start);
  const local = DateTime.fromJSDate(now, { zone: window.timezone });
  const atStart = (day: DateTime) =>
    day.startOf('day').set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  let candidate = atStart(local);
  if (candidate.toMillis() <= local.toMillis()) candidate = atStart(local.plus({ days: 1 }));
  return candidate.toJSDate();
}
