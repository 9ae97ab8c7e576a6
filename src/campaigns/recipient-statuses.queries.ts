import { statusesImplyingSql, statusForRankSql, statusRank, statusRankSql } from './status-rank.js';

/**
 * The campaign_recipients statements of delivery statuses (webhooks/), run only through
 * RecipientsRepository ("Delivery statuses" section), inside the webhook batch's one transaction.
 * Set-based: one statement per step of a batch, whatever its size. campaign_counters follow
 * campaign_recipients through the trigger of migration CampaignCounterTrigger, inside the same statement.
 */

/** A recipient a status may name, as FIND_RECIPIENTS returns it. */
export interface StatusRecipientRow {
  id: string;
  message_id: string | null;
  channel_id: string;
}

/** A recipient a status may name (RecipientsRepository.findForStatuses). */
export interface StatusRecipient {
  id: string;
  /** null until the sender (or a status matched through its callback data) stored it. */
  messageId: string | null;
  channelId: string;
}

/** A status event seen for the first time, matched to its recipient: one input row of APPLY_STATUS_EVENTS. */
export interface RecipientStatusEvent {
  recipientId: string;
  messageId: string;
  status: string;
  occurredAt: Date;
  errorCode: number | null;
  errorTitle: string | null;
}

/** Candidates for status events: by message id, and by the recipient id of the callback data. */
export const FIND_RECIPIENTS = `
  SELECT id::text AS id, message_id, channel_id FROM campaign_recipients WHERE message_id = ANY($1::text[])
  UNION
  SELECT id::text AS id, message_id, channel_id FROM campaign_recipients WHERE id = ANY($2::bigint[])`;

/** Locks the recipients a batch will move, in id order, so concurrent batches cannot deadlock. */
export const LOCK_RECIPIENTS = `
  SELECT id FROM campaign_recipients WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`;

const RANK = statusRankSql('e.status');
const CURRENT_RANK = statusRankSql('r.status');
const FAILED = statusRank('failed');

/** An event time, but not before the recipient's dispatch (NULL stays NULL: greatest() would skip it). */
const notBeforeDispatch = (time: string) => `CASE WHEN ${time} IS NULL THEN NULL ELSE greatest(${time}, r.dispatched_at) END`;

/**
 * failed_at, error_code and error_title describe the recipient's current failure, and only that:
 * set when it becomes `failed`, cleared when it moves to any other state (a `delivered`/`read` after
 * `failed`, or a `sent` for a recipient waiting to retry after a send error), otherwise kept. So the
 * final row does not depend on the order the statuses arrived in, and `?errorCode=` and the CSV never
 * show a delivered recipient as errored. The failure stays in message_events (the history).
 */
function failureField(column: 'failed_at' | 'error_code' | 'error_title'): string {
  const value = column === 'failed_at' ? notBeforeDispatch('agg.failed_at') : `agg.${column}`;
  return `CASE WHEN agg.rank = ${FAILED} AND ${CURRENT_RANK} < ${FAILED} THEN ${value}
    WHEN agg.rank > ${CURRENT_RANK} THEN NULL
    ELSE r.${column} END`;
}

/**
 * Applies the new events of a batch, aggregated per recipient, forward-only (status-rank.ts):
 * the highest-ranked event wins if it outranks the current status; read implies delivered and sent;
 * each milestone keeps its earliest evidence (a late `delivered` corrects the time a `read` implied), but
 * no time is earlier than the send was dispatched: webhook timestamps are whole seconds, so a status from
 * the same second as the send would otherwise predate it (and the campaign's start); `failed` keeps its error code and title
 * while the recipient stays failed (failureField); a recipient matched through its callback data gets its
 * message id. A recipient that changes state leaves any lease or waiting reason behind (the sender's crash
 * reconciliation).
 */
export const APPLY_STATUS_EVENTS = `
  WITH e AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::text[])
      AS e(recipient_id, message_id, status, occurred_at, error_code, error_title)
  ), agg AS (
    SELECT e.recipient_id,
      min(e.message_id) AS message_id,
      max(${RANK}) AS rank,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('sent')})) AS sent_at,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('delivered')})) AS delivered_at,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('read')})) AS read_at,
      min(e.occurred_at) FILTER (WHERE e.status = 'failed') AS failed_at,
      (array_agg(e.error_code ORDER BY e.occurred_at) FILTER (WHERE e.status = 'failed'))[1] AS error_code,
      (array_agg(e.error_title ORDER BY e.occurred_at) FILTER (WHERE e.status = 'failed'))[1] AS error_title
    FROM e GROUP BY e.recipient_id
  )
  UPDATE campaign_recipients r SET
    status = CASE WHEN agg.rank > ${CURRENT_RANK} THEN ${statusForRankSql('agg.rank')} ELSE r.status END,
    message_id = coalesce(r.message_id, agg.message_id),
    sent_at = least(r.sent_at, ${notBeforeDispatch('agg.sent_at')}),
    delivered_at = least(r.delivered_at, ${notBeforeDispatch('agg.delivered_at')}),
    read_at = least(r.read_at, ${notBeforeDispatch('agg.read_at')}),
    failed_at = ${failureField('failed_at')},
    error_code = ${failureField('error_code')},
    error_title = ${failureField('error_title')},
    lease_until = CASE WHEN agg.rank > ${CURRENT_RANK} THEN NULL ELSE r.lease_until END,
    waiting_reason = CASE WHEN agg.rank > ${CURRENT_RANK} THEN NULL ELSE r.waiting_reason END
  FROM agg
  WHERE r.id = agg.recipient_id AND (
    agg.rank > ${CURRENT_RANK}
    OR (r.message_id IS NULL AND agg.message_id IS NOT NULL)
    OR agg.sent_at < coalesce(r.sent_at, 'infinity')
    OR agg.delivered_at < coalesce(r.delivered_at, 'infinity')
    OR agg.read_at < coalesce(r.read_at, 'infinity'))`;
