import type { RecipientStatus } from '../common/recipient-status.js';

/**
 * Forward-only delivery states. One total order carries every rule of the issue:
 *   pending/sending/unknown (0) < sent (1) < failed (2) < delivered (3) < read (4)
 * - statuses only move forward (a late `sent` after `read` changes nothing);
 * - `failed` wins over `sent` (and over a recipient still pending, sending or unknown);
 * - `failed` does not win over `delivered`/`read`, and a later `delivered`/`read` wins over `failed`.
 * Every other recipient state (pending, sending, unknown, skipped, cancelled) ranks 0: a status
 * webhook proves the message went out, so it moves such a recipient forward (crash reconciliation).
 * Webhook statuses that are not delivery states (On-Premise `deleted`, `warning`) rank 0 and never
 * move a recipient; they are kept in the message history only.
 */
export const DELIVERY_STATUSES = ['sent', 'failed', 'delivered', 'read'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const RANK: ReadonlyMap<string, number> = new Map(DELIVERY_STATUSES.map((status, index) => [status, index + 1]));

export function statusRank(status: string): number {
  return RANK.get(status) ?? 0;
}

export function isDeliveryStatus(status: string): status is DeliveryStatus {
  return RANK.has(status);
}

/** The recipient's state after a webhook status arrives. */
export function nextRecipientStatus(current: RecipientStatus, incoming: string): RecipientStatus {
  return statusRank(incoming) > statusRank(current) ? (incoming as DeliveryStatus) : current;
}

/** The milestones an incoming status proves: read implies delivered and sent; delivered implies sent. */
export function impliedMilestones(incoming: string): Array<'sent' | 'delivered' | 'read'> {
  switch (incoming) {
    case 'read':
      return ['sent', 'delivered', 'read'];
    case 'delivered':
      return ['sent', 'delivered'];
    case 'sent':
      return ['sent'];
    default:
      return [];
  }
}

/** The same rank as SQL, generated from the same table, so the set-based UPDATE cannot drift. */
export function statusRankSql(expression: string): string {
  const whens = DELIVERY_STATUSES.map((status) => `WHEN '${status}' THEN ${statusRank(status)}`).join(' ');
  return `(CASE ${expression} ${whens} ELSE 0 END)`;
}

/** SQL turning a rank (1..4) back into its status. */
export function statusForRankSql(expression: string): string {
  const whens = DELIVERY_STATUSES.map((status) => `WHEN ${statusRank(status)} THEN '${status}'`).join(' ');
  return `(CASE ${expression} ${whens} END)`;
}

/** Statuses whose timestamp proves the message reached each milestone (for FILTER clauses). */
export function statusesImplyingSql(milestone: 'sent' | 'delivered' | 'read'): string {
  const statuses = DELIVERY_STATUSES.filter((status) => impliedMilestones(status).includes(milestone));
  return statuses.map((status) => `'${status}'`).join(', ');
}
