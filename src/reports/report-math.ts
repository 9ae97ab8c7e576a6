/**
 * Pure report arithmetic: turning counter rows into counts, reached, error and waiting groups;
 * the recent send rate; the ETA; the time-series bucket size. No Nest or TypeORM imports.
 */
import { RECIPIENT_STATUSES } from '../common/recipient-status.js';

export interface CounterRow {
  key: string;
  count: number | string;
}

export interface ErrorGroup {
  code: number;
  title: string | null;
  count: number;
}

export interface WaitingCount {
  reason: string;
  count: number;
}

export interface CounterSummary {
  total: number;
  counts: Record<string, number>;
  reached: { sent: number; delivered: number; read: number };
  errors: ErrorGroup[];
  waiting: WaitingCount[];
}

const ERROR_KEY = /^error:(-?\d+):([\s\S]*)$/;

/** `error:<code>:<title>` → code and title (the title may itself contain colons). */
export function parseErrorKey(key: string): { code: number; title: string | null } | null {
  const match = ERROR_KEY.exec(key);
  if (!match) return null;
  const code = Number(match[1]);
  if (!Number.isSafeInteger(code)) return null;
  return { code, title: match[2] === '' ? null : match[2] };
}

/**
 * One entry per error code, most frequent first (ties: lower code first). When one code was
 * recorded with several titles, the title seen most often names the group (ties: alphabetical).
 */
export function groupErrors(entries: ReadonlyArray<{ code: number; title: string | null; count: number }>): ErrorGroup[] {
  const byCode = new Map<number, { count: number; titles: Map<string | null, number> }>();
  for (const entry of entries) {
    if (entry.count <= 0) continue;
    const group = byCode.get(entry.code) ?? { count: 0, titles: new Map<string | null, number>() };
    group.count += entry.count;
    group.titles.set(entry.title, (group.titles.get(entry.title) ?? 0) + entry.count);
    byCode.set(entry.code, group);
  }
  const groups: ErrorGroup[] = [];
  for (const [code, group] of byCode) {
    const [title] = [...group.titles.entries()].sort(
      ([titleA, countA], [titleB, countB]) => countB - countA || compareTitles(titleA, titleB),
    )[0];
    groups.push({ code, title, count: group.count });
  }
  return groups.sort((a, b) => b.count - a.count || a.code - b.code);
}

function compareTitles(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Sums shard rows (already summed or not) into the report's counts; every status is present. */
export function summariseCounters(rows: readonly CounterRow[]): CounterSummary {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.key, (sums.get(row.key) ?? 0) + Number(row.count));

  const counts: Record<string, number> = Object.fromEntries(RECIPIENT_STATUSES.map((status) => [status, 0]));
  const reached = { sent: 0, delivered: 0, read: 0 };
  const errorEntries: Array<{ code: number; title: string | null; count: number }> = [];
  const waiting: WaitingCount[] = [];
  for (const [key, count] of sums) {
    if (key.startsWith('reached:')) {
      const what = key.slice('reached:'.length);
      if (what === 'sent' || what === 'delivered' || what === 'read') reached[what] = count;
    } else if (key.startsWith('error:')) {
      const parsed = parseErrorKey(key);
      if (parsed) errorEntries.push({ ...parsed, count });
    } else if (key.startsWith('waiting:')) {
      if (count > 0) waiting.push({ reason: key.slice('waiting:'.length), count });
    } else if (!key.includes(':')) {
      // A recipient status. One outside the known list still counts, so counts add up to total.
      if (count !== 0 || key in counts) counts[key] = count;
    }
  }
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  waiting.sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  return { total, counts, reached, errors: groupErrors(errorEntries), waiting };
}

export const SEND_RATE_WINDOW_SECONDS = 10;

/**
 * Messages per second over the last window. `recentSends` counts sent_at within the last
 * `windowSeconds`; a campaign that started sending less than a window ago is measured over the
 * time since its first send (at least one second), so its rate is not diluted.
 */
export function sendRate(input: {
  recentSends: number;
  now: Date;
  firstSentAt: Date | null;
  windowSeconds?: number;
}): { perSecond: number; windowSeconds: number } {
  const window = input.windowSeconds ?? SEND_RATE_WINDOW_SECONDS;
  if (!input.firstSentAt || input.recentSends <= 0) return { perSecond: 0, windowSeconds: window };
  const sinceFirst = (input.now.getTime() - input.firstSentAt.getTime()) / 1000;
  const measured = Math.min(window, Math.max(1, sinceFirst));
  return { perSecond: Math.round((input.recentSends / measured) * 10) / 10, windowSeconds: Math.round(measured * 10) / 10 };
}

export interface Eta {
  /** Recipients still to send: pending (incl. waiting) + sending. */
  remaining: number;
  secondsRemaining: number | null;
  completesAt: Date | null;
}

/** ETA while the campaign runs; null otherwise. Unknown (nulls) while nothing is being sent. */
export function estimateCompletion(input: { status: string; remaining: number; perSecond: number; now: Date }): Eta | null {
  if (input.status !== 'running') return null;
  const remaining = Math.max(0, input.remaining);
  if (remaining === 0) return { remaining: 0, secondsRemaining: 0, completesAt: input.now };
  if (!(input.perSecond > 0)) return { remaining, secondsRemaining: null, completesAt: null };
  const secondsRemaining = Math.ceil(remaining / input.perSecond);
  return { remaining, secondsRemaining, completesAt: new Date(input.now.getTime() + secondsRemaining * 1000) };
}

export const BUCKETS = ['second', 'minute', 'hour', 'day'] as const;
export type Bucket = (typeof BUCKETS)[number];
const BUCKET_MS: Record<Bucket, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const MAX_BUCKETS = 900;

/**
 * The finest bucket that keeps a series over `spanMs` within MAX_BUCKETS points: seconds for a
 * campaign of up to 15 minutes, minutes up to 15 hours, and so on. A requested bucket is honoured
 * when it is at least that coarse.
 */
export function chooseBucket(spanMs: number, requested?: Bucket): Bucket {
  const span = Math.max(0, spanMs);
  const finest = BUCKETS.find((bucket) => span / BUCKET_MS[bucket] <= MAX_BUCKETS) ?? 'day';
  if (requested && BUCKET_MS[requested] >= BUCKET_MS[finest]) return requested;
  return finest;
}

/** Start of the bucket holding `at` (UTC), as Postgres date_trunc computes it. */
export function bucketStart(at: Date, bucket: Bucket): Date {
  const ms = at.getTime();
  return new Date(ms - (((ms % BUCKET_MS[bucket]) + BUCKET_MS[bucket]) % BUCKET_MS[bucket]));
}
