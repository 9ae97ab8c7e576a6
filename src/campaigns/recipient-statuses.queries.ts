import { statusesImplyingSql, statusForRankSql, statusRank, statusRankSql } from './status-rank.js';
import { validUntilSql } from './valid-until.js';

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
  campaign_id: string;
  contact_id: string;
  wa_id: string;
  attempts: number;
  marketing_limit_retries: number;
  valid_until: Date | null;
  dispatched_at: Date | null;
}

/** A recipient a status may name (RecipientsRepository.findForStatuses). */
export interface StatusRecipient {
  id: string;
  /** null until the sender (or a status matched through its callback data) stored it. */
  messageId: string | null;
  channelId: string;
  campaignId: string;
  contactId: string;
  waId: string;
  /** Sends so far. */
  attempts: number;
  /** 131049 waits so far (MARKETING_LIMIT_MAX_RETRIES bounds them). */
  marketingLimitRetries: number;
  /** The campaign's validUntil (valid-until.ts). */
  validUntil: Date | null;
  /** When its current message was handed to 360dialog (the channel's status watermark: unknown-outcome.ts). */
  dispatchedAt: Date | null;
}

/** A status event seen for the first time, matched to its recipient: one input row of APPLY_STATUS_EVENTS. */
export interface RecipientStatusEvent {
  recipientId: string;
  messageId: string;
  status: string;
  occurredAt: Date;
  errorCode: number | null;
  errorTitle: string | null;
  /** Per-message pricing, when the status carried it (the first status of the message that does wins). */
  pricing: { category: string | null; model: string | null; type: string | null; billable: boolean | null } | null;
  /** Business-scoped user id (`recipient_user_id` / `user_id`). */
  userId: string | null;
}

/** A message whose pricing this batch stored: once per message id (the cost metric counts it then). */
export interface NewlyPriced {
  channelId: string;
  waId: string;
  category: string | null;
  type: string | null;
  billable: boolean | null;
}

/** A recipient whose message failed with 131049 and that is tried again at `retryAt` (a new message). */
export interface MarketingLimitWait {
  recipientId: string;
  /** The failed message: the wait applies only while it is still the recipient's failed message. */
  messageId: string;
  retryAt: Date;
}

/** Candidates for status events: by message id, and by the recipient id of the callback data. */
const FOUND_COLUMNS = `r.id::text AS id, r.message_id, r.channel_id, r.campaign_id, r.contact_id::text AS contact_id, r.wa_id, r.attempts, r.marketing_limit_retries,
    ${validUntilSql('c')} AS valid_until, r.dispatched_at`;
export const FIND_RECIPIENTS = `
  SELECT ${FOUND_COLUMNS} FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE r.message_id = ANY($1::text[])
  UNION
  SELECT ${FOUND_COLUMNS} FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = ANY($2::bigint[])`;

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

/** Pricing is kept once per message: the first status carrying it wins, later ones (delivered, read) change nothing. */
const NO_PRICING = 'r.pricing_model IS NULL AND r.pricing_category IS NULL AND r.pricing_type IS NULL AND r.billable IS NULL';
const pricingField = (column: 'pricing_category' | 'pricing_model' | 'pricing_type' | 'billable') =>
  `CASE WHEN ${NO_PRICING} AND agg.has_pricing THEN agg.${column} ELSE r.${column} END`;
/** The first priced event of the recipient, by time then status rank (sent before delivered in the same second). */
const firstPriced = (column: string) => `(array_agg(e.${column} ORDER BY e.occurred_at, ${RANK}) FILTER (WHERE e.has_pricing))[1]`;

/**
 * Applies the new events of a batch, aggregated per recipient, forward-only (status-rank.ts):
 * the highest-ranked event wins if it outranks the current status; read implies delivered and sent;
 * each milestone keeps its earliest evidence (a late `delivered` corrects the time a `read` implied), but
 * no time is earlier than the send was dispatched: webhook timestamps are whole seconds, so a status from
 * the same second as the send would otherwise predate it (and the campaign's start); `failed` keeps its error code and title
 * while the recipient stays failed (failureField); a recipient matched through its callback data gets its
 * message id. A recipient that changes state leaves any lease or waiting reason behind (the sender's crash
 * reconciliation). Pricing is stored once per message (pricingField), and the rows that got it now are
 * returned (prior: the row before the statement); the user id once known. Statuses
 * that are not delivery states (played, deleted, warning, …) rank 0: history only, no move.
 */
export const APPLY_STATUS_EVENTS = `
  WITH e AS (
    SELECT *, (pricing_category IS NOT NULL OR pricing_model IS NOT NULL OR pricing_type IS NOT NULL OR billable IS NOT NULL) AS has_pricing
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::boolean[], $11::text[])
      AS e(recipient_id, message_id, status, occurred_at, error_code, error_title, pricing_category, pricing_model, pricing_type, billable, user_id)
  ), agg AS (
    SELECT e.recipient_id,
      min(e.message_id) AS message_id,
      max(${RANK}) AS rank,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('sent')})) AS sent_at,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('delivered')})) AS delivered_at,
      min(e.occurred_at) FILTER (WHERE e.status IN (${statusesImplyingSql('read')})) AS read_at,
      min(e.occurred_at) FILTER (WHERE e.status = 'failed') AS failed_at,
      (array_agg(e.error_code ORDER BY e.occurred_at) FILTER (WHERE e.status = 'failed'))[1] AS error_code,
      (array_agg(e.error_title ORDER BY e.occurred_at) FILTER (WHERE e.status = 'failed'))[1] AS error_title,
      bool_or(e.has_pricing) AS has_pricing,
      ${firstPriced('pricing_category')} AS pricing_category,
      ${firstPriced('pricing_model')} AS pricing_model,
      ${firstPriced('pricing_type')} AS pricing_type,
      ${firstPriced('billable')} AS billable,
      min(e.user_id) AS user_id
    FROM e GROUP BY e.recipient_id
  ), prior AS (
    -- Each recipient before this statement (the batch holds their row locks): whether it had no pricing yet.
    SELECT r.id, (${NO_PRICING}) AS unpriced FROM campaign_recipients r WHERE r.id IN (SELECT recipient_id FROM agg)
  ), updated AS (
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
    waiting_reason = CASE WHEN agg.rank > ${CURRENT_RANK} THEN NULL ELSE r.waiting_reason END,
    pricing_category = ${pricingField('pricing_category')},
    pricing_model = ${pricingField('pricing_model')},
    pricing_type = ${pricingField('pricing_type')},
    billable = ${pricingField('billable')},
    user_id = coalesce(r.user_id, agg.user_id)
  FROM agg JOIN prior ON prior.id = agg.recipient_id
  WHERE r.id = agg.recipient_id AND (
    agg.rank > ${CURRENT_RANK}
    OR (agg.has_pricing AND ${NO_PRICING})
    OR (r.user_id IS NULL AND agg.user_id IS NOT NULL)
    OR (r.message_id IS NULL AND agg.message_id IS NOT NULL)
    OR agg.sent_at < coalesce(r.sent_at, 'infinity')
    OR agg.delivered_at < coalesce(r.delivered_at, 'infinity')
    OR agg.read_at < coalesce(r.read_at, 'infinity'))
  RETURNING r.channel_id, r.wa_id, r.pricing_category, r.pricing_type, r.billable, (prior.unpriced AND agg.has_pricing) AS newly_priced
  )
  SELECT channel_id, wa_id, pricing_category, pricing_type, billable FROM updated WHERE newly_priced`;

/**
 * 131049 on a failed status: the recipient waits (pending, `marketing_limit`) for a new message at its
 * retry time. Only while that failed message is still its current state (a later delivered/read, or a
 * retry already under way, leaves it alone). The failed message's id, milestones and pricing go: the
 * retry is a new message (as REQUEUE_RETRYABLE_FAILURES); the 131049 stays visible as error code.
 * A cancelled (or failed) campaign sends nothing more: its recipients stay failed.
 */
export const WAIT_FOR_MARKETING_LIMIT = `
  UPDATE campaign_recipients r SET
    status = 'pending', next_attempt_at = v.retry_at, waiting_reason = 'marketing_limit', failed_at = NULL,
    marketing_limit_retries = r.marketing_limit_retries + 1,
    message_id = NULL, sent_at = NULL, delivered_at = NULL, read_at = NULL, lease_until = NULL,
    pricing_category = NULL, pricing_model = NULL, pricing_type = NULL, billable = NULL
  FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS v(id, message_id, retry_at), campaigns c
  WHERE r.id = v.id AND r.message_id = v.message_id AND r.status = 'failed' AND r.error_code = 131049
    AND c.id = r.campaign_id AND c.status IN ('scheduled', 'running', 'paused', 'completed')
  RETURNING r.campaign_id`;
