/**
 * Pure engagement arithmetic of the report: reply rate, and per-variant summaries of an A/B test from
 * grouped recipient rows. No Nest or TypeORM imports.
 */
import { RECIPIENT_STATUSES } from '../common/recipient-status.js';

export interface ButtonCount {
  payload: string | null;
  text: string | null;
  count: number;
}

export interface Engagement {
  replied: number;
  clicked: number;
  optedOut: number;
  /** replied / delivered (recipients a reply could come from), 4 decimals; 0 before any delivery. */
  replyRate: number;
  buttons: ButtonCount[];
}

export function replyRate(replied: number, delivered: number): number {
  return delivered > 0 ? Math.round((replied / delivered) * 10_000) / 10_000 : 0;
}

/** One (variant, status) group of a campaign's recipients. */
export interface VariantStatusRow {
  variant: string;
  status: string;
  count: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  opted_out: number;
}

export interface VariantSummary {
  name: string;
  total: number;
  counts: Record<string, number>;
  reached: { sent: number; delivered: number; read: number };
  engagement: Engagement;
}

/** One summary per variant in the campaign's order (variants without recipients yet show zeros). */
export function summariseVariants(
  names: readonly string[],
  rows: readonly VariantStatusRow[],
  buttons: ReadonlyArray<ButtonCount & { variant: string }>,
): VariantSummary[] {
  return names.map((name) => {
    const counts: Record<string, number> = Object.fromEntries(RECIPIENT_STATUSES.map((status) => [status, 0]));
    const reached = { sent: 0, delivered: 0, read: 0 };
    let replied = 0;
    let clicked = 0;
    let optedOut = 0;
    for (const row of rows) {
      if (row.variant !== name) continue;
      counts[row.status] = (counts[row.status] ?? 0) + Number(row.count);
      reached.sent += Number(row.sent);
      reached.delivered += Number(row.delivered);
      reached.read += Number(row.read);
      replied += Number(row.replied);
      clicked += Number(row.clicked);
      optedOut += Number(row.opted_out);
    }
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const own = buttons.filter((button) => button.variant === name).map(({ payload, text, count }) => ({ payload, text, count }));
    return { name, total, counts, reached, engagement: { replied, clicked, optedOut, replyRate: replyRate(replied, reached.delivered), buttons: own } };
  });
}
