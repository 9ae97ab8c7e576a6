/**
 * When a Cloud recipient whose send outcome is unknown (no answer from 360dialog: timeout, reset, lost
 * answer) may be sent again. One rule, in TypeScript (this file's spec) and in SQL for the sender's claim
 * (CLAIM_PICKED), so they cannot drift.
 *
 * The message may have gone out: its status webhook (carrying `r:<recipient id>` as callback data) would
 * then move the recipient to sent, and resending would send it twice. So after the grace period
 * (UNKNOWN_OUTCOME_GRACE_SECONDS, the requeue delay) it is resent only when the channel's webhooks are
 * demonstrably flowing: a status has been applied for a message of the channel dispatched after this one
 * (channels.statuses_seen_through, migration StatusesSeenThrough), and still nothing came for it. Messages
 * dispatched together (one confirm statement: the same dispatched_at) go out concurrently, so their
 * statuses do not count: strictly later only. While the webhooks are silent (late, or down) it keeps
 * waiting, visibly (`unknown_outcome`), re-checked every UNKNOWN_OUTCOME_RECHECK_SECONDS, up to
 * UNKNOWN_OUTCOME_MAX_WAIT_SECONDS after its dispatch. After that it is resent: webhooks silent that long
 * say nothing either way, a message that never left is worse than one sent twice, and the campaign
 * finishes. (360dialog retries an unanswered webhook for a day or more: a late status still moves the
 * recipient forward whenever it comes.)
 *
 * A status also speaks for the time WhatsApp recorded it (statusWatermark): a delivered or read status
 * recorded well after a dispatch shows the channel's webhooks flowing after that dispatch too. Without
 * it, an unknown outcome in a campaign's last batch — nothing dispatched after it — would always wait
 * the full UNKNOWN_OUTCOME_MAX_WAIT_SECONDS.
 */

/** How far a status may trail, in webhook order, the statuses of messages WhatsApp handled before it. */
export const STATUS_ORDER_SLACK_SECONDS = 60;

/**
 * Through which dispatch a status applied now shows the channel's webhooks flowing: its message's
 * dispatch, or — when later — the time WhatsApp recorded the status less STATUS_ORDER_SLACK_SECONDS
 * (the status of a message that left before then would have come first), never past `now` (a status
 * stamped ahead of this clock says nothing about what is still to come).
 */
export function statusWatermark(dispatchedAt: Date, recordedAt: Date, now: Date): Date {
  const recorded = Math.min(recordedAt.getTime(), now.getTime()) - STATUS_ORDER_SLACK_SECONDS * 1000;
  return recorded > dispatchedAt.getTime() ? new Date(recorded) : dispatchedAt;
}

/** How often a waiting recipient is looked at again while the channel's webhooks are silent. */
export const UNKNOWN_OUTCOME_RECHECK_SECONDS = 5;

export interface UnknownOutcomeWait {
  /** When it was last handed to 360dialog (campaign_recipients.dispatched_at). */
  dispatchedAt: Date;
  /** The channel's watermark (channels.statuses_seen_through); null: no status seen yet. */
  seenThrough: Date | null;
  /** The claim's clock. */
  now: Date;
  maxWaitSeconds: number;
}

export type UnknownOutcomeVerdict = { kind: 'resend' } | { kind: 'wait'; until: Date };

export function unknownOutcomeVerdict(wait: UnknownOutcomeWait): UnknownOutcomeVerdict {
  const flowing = wait.seenThrough !== null && wait.seenThrough.getTime() > wait.dispatchedAt.getTime();
  const deadline = wait.dispatchedAt.getTime() + wait.maxWaitSeconds * 1000;
  if (flowing || wait.now.getTime() >= deadline) return { kind: 'resend' };
  return { kind: 'wait', until: new Date(Math.min(wait.now.getTime() + UNKNOWN_OUTCOME_RECHECK_SECONDS * 1000, deadline)) };
}

/**
 * The same as SQL: whether to wait (a boolean) and until when, over a recipient row `r`, its channel row
 * `ch`, the claim's clock and the max wait in seconds (SQL expressions). Applies only to a Cloud recipient
 * waiting for an unknown outcome (waiting_reason `unknown_outcome`, dispatched); any other row: false.
 */
export function unknownOutcomeWaitSql(r: string, ch: string, clock: string, maxWaitSeconds: string): { waits: string; until: string } {
  const deadline = `${r}.dispatched_at + make_interval(secs => ${maxWaitSeconds})`;
  return {
    waits: `coalesce(${r}.waiting_reason = 'unknown_outcome' AND ${ch}.api_generation = 'cloud' AND ${r}.dispatched_at IS NOT NULL
      AND NOT coalesce(${ch}.statuses_seen_through > ${r}.dispatched_at, false) AND ${clock} < ${deadline}, false)`,
    until: `least(${clock} + interval '${UNKNOWN_OUTCOME_RECHECK_SECONDS} seconds', ${deadline})`,
  };
}
