import { DateTime, IANAZone } from 'luxon';

export interface SendWindow {
  start: string;
  end: string;
  /** An IANA zone, or RECIPIENT_LOCAL: each recipient's own zone (resolved at launch, recipient-zone.ts). */
  timezone: string;
  /** With RECIPIENT_LOCAL only, and required there: the zone of a recipient whose own is unknown. */
  fallbackTimezone?: string;
}

/** `sendWindow.timezone` for a window in each recipient's own time (evaluated per recipient by the claim). */
export const RECIPIENT_LOCAL = 'recipient';

export function isRecipientLocal(window: SendWindow | null): boolean {
  return window?.timezone === RECIPIENT_LOCAL;
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
  if (window.timezone === RECIPIENT_LOCAL) {
    if (window.fallbackTimezone === undefined || window.fallbackTimezone === null) {
      problems.push('sendWindow.fallbackTimezone is required with timezone "recipient": the IANA zone of recipients whose own zone is unknown, e.g. "Europe/Berlin"');
    } else if (!IANAZone.isValidZone(window.fallbackTimezone)) {
      problems.push(`sendWindow.fallbackTimezone must be an IANA time zone such as "Europe/Berlin", got "${window.fallbackTimezone}"`);
    }
  } else {
    if (!IANAZone.isValidZone(window.timezone)) {
      problems.push(`sendWindow.timezone must be an IANA time zone such as "Europe/Berlin", or "recipient", got "${window.timezone}"`);
    }
    if (window.fallbackTimezone !== undefined && window.fallbackTimezone !== null) {
      problems.push('sendWindow.fallbackTimezone applies only with timezone "recipient": remove it, or set timezone to "recipient"');
    }
  }
  if (problems.length === 0 && window.start === window.end) {
    problems.push('sendWindow is empty: start and end are the same time');
  }
  return problems;
}

/**
 * Whether `now` falls inside the window (a window whose end is before its start spans midnight). Not for
 * a RECIPIENT_LOCAL window: that one is decided per recipient (recipientWindowSql).
 */
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

/**
 * SQL for a RECIPIENT_LOCAL window, per row: whether `now` is inside it in the zone `zone`, and when it
 * opens next there (`now` when inside). `window` is the campaign's send_window jsonb. Same rule as
 * isInsideWindow/nextWindowOpening above; a start skipped by a DST change opens at PostgreSQL's reading
 * of the missing local time (one hour later).
 */
export function recipientWindowSql(window: string, zone: string, now: string): { inside: string; opensAt: string } {
  const minutes = (clock: string) => `(split_part(${window} ->> '${clock}', ':', 1)::int * 60 + split_part(${window} ->> '${clock}', ':', 2)::int)`;
  const local = `(${now} AT TIME ZONE ${zone})`;
  const minute = `(extract(hour FROM ${local})::int * 60 + extract(minute FROM ${local})::int)`;
  const start = minutes('start');
  const end = minutes('end');
  const inside = `(CASE WHEN ${start} < ${end} THEN ${minute} >= ${start} AND ${minute} < ${end} ELSE ${minute} >= ${start} OR ${minute} < ${end} END)`;
  const startOn = (days: number) => `((${local}::date + ${days} + (${window} ->> 'start')::time) AT TIME ZONE ${zone})`;
  const opensAt = `(CASE WHEN ${inside} THEN ${now} WHEN ${startOn(0)} > ${now} THEN ${startOn(0)} ELSE ${startOn(1)} END)`;
  return { inside, opensAt };
}
