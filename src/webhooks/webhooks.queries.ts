import { statusesImplyingSql, statusForRankSql, statusRank, statusRankSql } from '../campaigns/status-rank.js';

/**
 * Hand-written SQL of the webhook receiver and processor. Everything is set-based: one statement per
 * step of a batch, whatever its size. campaign_counters follow campaign_recipients through the trigger
 * of migration CampaignCounterTrigger, inside the same statement.
 */

/** Group commit: every body waiting in the receiver goes in with one statement (autocommit). */
export const INSERT_INBOX_ROWS = `
  INSERT INTO webhook_inbox (channel_id, body, state, last_error)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`;

/**
 * Around CLAIM_INBOX_BATCH only. The claim must walk ix_webhook_inbox_due in order and stop after $1
 * rows. Without current statistics (autovacuum behind, or off) the planner expects a few hundred due
 * rows and instead bitmap-scans every entry of the partial index, those of processed rows not yet
 * vacuumed included, then sorts the whole backlog, on disk once it is large: 57–75 ms per claim with
 * 50,000 due (vs 0.6–7 ms in order), growing with the backlog, so that the processor slows down exactly
 * when it is behind. The other statements of the batch keep the default plans (a bitmap scan is right
 * for their `= ANY(…)` lookups).
 */
export const CLAIM_PLAN_SETTINGS = `SET LOCAL enable_bitmapscan = off`;
export const CLAIM_PLAN_DEFAULTS = `SET LOCAL enable_bitmapscan TO DEFAULT`;

/** A due batch, locked: several processors (threads or instances) share the inbox without overlap. */
export const CLAIM_INBOX_BATCH = `
  SELECT id, channel_id, body, attempts, received_at, next_attempt_at
  FROM webhook_inbox
  WHERE state = 'pending' AND next_attempt_at <= now()
  ORDER BY next_attempt_at, id
  LIMIT $1
  FOR UPDATE SKIP LOCKED`;

/** One given item, locked (the one-by-one fallback after a batch failed). */
export const CLAIM_INBOX_ITEM = `
  SELECT id, channel_id, body, attempts, received_at, next_attempt_at
  FROM webhook_inbox
  WHERE id = $1 AND state = 'pending'
  FOR UPDATE SKIP LOCKED`;

/** Candidates for status events: by message id, and by the recipient id of the callback data. */
export const FIND_RECIPIENTS = `
  SELECT id::text AS id, message_id, channel_id FROM campaign_recipients WHERE message_id = ANY($1::text[])
  UNION
  SELECT id::text AS id, message_id, channel_id FROM campaign_recipients WHERE id = ANY($2::bigint[])`;

/** Locks the recipients a batch will move, in id order, so concurrent batches cannot deadlock. */
export const LOCK_RECIPIENTS = `
  SELECT id FROM campaign_recipients WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`;

/**
 * Status history and duplicate guard: (message_id, status) is unique, so a repeated event inserts
 * nothing. RETURNING names the events seen for the first time: only those move recipients.
 */
export const INSERT_STATUS_EVENTS = `
  INSERT INTO message_events (message_id, status, recipient_id, occurred_at, error_code, error_title)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::int[], $6::text[])
    AS e(message_id, status, recipient_id, occurred_at, error_code, error_title)
  ORDER BY message_id, status
  ON CONFLICT (message_id, status) DO NOTHING
  RETURNING message_id, status`;

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

/** Inbound message ids share the history table (status 'inbound'): a repeated inbound message is a no-op. */
export const INSERT_INBOUND_EVENTS = `
  INSERT INTO message_events (message_id, status, occurred_at)
  SELECT m.message_id, 'inbound', m.occurred_at FROM unnest($1::text[], $2::timestamptz[]) AS m(message_id, occurred_at)
  ORDER BY m.message_id
  ON CONFLICT (message_id, status) DO NOTHING
  RETURNING message_id`;

/** An inbound message opens the 24 h service window. */
export const TOUCH_LAST_INBOUND = `
  UPDATE contacts c SET last_inbound_at = m.at, updated_at = now()
  FROM (
    SELECT wa_id, max(at) AS at FROM unnest($1::text[], $2::timestamptz[]) AS u(wa_id, at) GROUP BY wa_id ORDER BY wa_id
  ) m
  WHERE c.wa_id = m.wa_id AND (c.last_inbound_at IS NULL OR c.last_inbound_at < m.at)`;

/**
 * Opt-out by inbound keyword, one per sender (the earliest message of the batch is the proof).
 * - a known contact (by wa_id) not yet opted out: opted out now;
 * - a number we do not know: recorded as an opted-out contact (phone '+' || wa_id), so that a later
 *   import cannot message it (an import keeps opted-out contacts opted out). ON CONFLICT covers an
 *   import inserting the same phone at the same moment.
 * Every change gets a consent_events row with the message as proof. Already opted out: nothing.
 */
export const OPT_OUT_BY_KEYWORD = `
  WITH o AS (
    SELECT DISTINCT ON (wa_id) wa_id, at, reason, unknown_reason, proof
    FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[]) AS u(wa_id, at, reason, unknown_reason, proof)
    ORDER BY wa_id, at
  ), known AS (
    UPDATE contacts c SET opted_out_at = o.at, opt_out_reason = o.reason, last_inbound_at = greatest(c.last_inbound_at, o.at), updated_at = now()
    FROM o
    WHERE c.wa_id = o.wa_id AND c.opted_out_at IS NULL
    RETURNING c.id, o.wa_id, false AS created
  ), unknown AS (
    INSERT INTO contacts (phone, wa_id, opted_out_at, opt_out_reason, last_inbound_at)
    SELECT '+' || o.wa_id, o.wa_id, o.at, o.unknown_reason, o.at FROM o
    WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.wa_id = o.wa_id)
    ON CONFLICT (phone) DO UPDATE SET opted_out_at = EXCLUDED.opted_out_at, opt_out_reason = EXCLUDED.opt_out_reason, updated_at = now()
      WHERE contacts.opted_out_at IS NULL
    RETURNING id, wa_id, (xmax = 0) AS created
  ), changed AS (
    SELECT * FROM known UNION ALL SELECT * FROM unknown
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT ch.id, 'opt_out', 'inbound_keyword', o.proof, o.at FROM changed ch JOIN o ON o.wa_id = ch.wa_id
  )
  SELECT id::text AS id, wa_id, created FROM changed`;

export const MARK_INBOX_PROCESSED = `
  UPDATE webhook_inbox SET state = 'processed', processed_at = now(), attempts = attempts + 1, last_error = NULL
  WHERE id = ANY($1::bigint[])`;

/** Items kept for a later attempt (unknown messages, processing errors) or parked for good. */
export const MARK_INBOX_DEFERRED = `
  UPDATE webhook_inbox w SET
    state = v.state,
    attempts = w.attempts + 1,
    next_attempt_at = coalesce(v.next_attempt_at, w.next_attempt_at),
    processed_at = CASE WHEN v.state = 'parked' THEN now() ELSE NULL END,
    last_error = v.last_error
  FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[]) AS v(id, state, next_attempt_at, last_error)
  WHERE w.id = v.id`;

/**
 * The unknown-message remainder of a body whose other events were applied: a new inbox row with only
 * those status events (statusEventsToBody), keeping the original receipt time (it bounds the retry
 * window) and the attempt count.
 */
export const INSERT_INBOX_REMAINDERS = `
  INSERT INTO webhook_inbox (channel_id, body, state, received_at, next_attempt_at, attempts, last_error, processed_at)
  SELECT channel_id, body, state, received_at, next_attempt_at, attempts, last_error,
         CASE WHEN state = 'parked' THEN now() END
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[])
    AS v(channel_id, body, state, received_at, next_attempt_at, attempts, last_error)`;

/**
 * An item whose processing failed for a reason that is not its own (transient or system error):
 * tried again later, without counting an attempt (inbox-retry.ts, classifyProcessingError).
 */
export const MARK_INBOX_RETRY_UNCOUNTED = `
  UPDATE webhook_inbox SET next_attempt_at = $2, last_error = $3
  WHERE id = $1 AND state = 'pending'`;

/**
 * Inbox gauges for /metrics, in one statement, each answered from a partial index:
 * - due: pending items whose time has come (what the processor should be working on), and how long
 *   the most overdue of them has waited (now − its next_attempt_at: the processor's lag; the first
 *   entry of ix_webhook_inbox_due, so it costs nothing however long the inbox);
 * - retrying: pending items deliberately held back (unknown message id, uncounted retry) until later;
 * - parked: items given up on, waiting for an operator (ix_webhook_inbox_parked).
 * Items held back for a retry do not count as backlog or age: a healthy processor with a status for
 * a not-yet-known message id would otherwise look an hour behind.
 */
export const INBOX_GAUGES = `
  SELECT
    (SELECT count(*) FROM webhook_inbox WHERE state = 'pending' AND next_attempt_at <= now())::int AS due,
    coalesce(extract(epoch FROM now() - (
      SELECT next_attempt_at FROM webhook_inbox WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 1
    )), 0)::float8 AS oldest_due_seconds,
    (SELECT count(*) FROM webhook_inbox WHERE state = 'pending' AND next_attempt_at > now())::int AS retrying,
    (SELECT count(*) FROM webhook_inbox WHERE state = 'parked')::int AS parked`;

/** Which parked items an operator re-drives (POST /v1/webhooks/inbox/requeue). */
export interface RequeueFilter {
  ids: string[] | null;
  channelId: string | null;
  /** 'processing_error': parked after MAX_ERROR_ATTEMPTS; 'unknown_message': parked after the retry window. */
  reason: 'processing_error' | 'unknown_message' | null;
}

/**
 * Parked items back to pending, due now, attempts reset (a full retry cycle for processing errors;
 * an unknown-message item gets one more attempt, its window counts from received_at). The previous
 * reason stays in last_error until the next attempt overwrites it. (A CTE, so that TypeORM returns
 * the rows: for a bare UPDATE … RETURNING it answers [rows, count].)
 */
export const REQUEUE_PARKED = `
  WITH requeued AS (
  UPDATE webhook_inbox w SET state = 'pending', next_attempt_at = now(), attempts = 0, processed_at = NULL,
    last_error = 'requeued by an operator; was: ' || coalesce(w.last_error, '')
  WHERE w.state = 'parked' AND w.id IN (
    SELECT p.id FROM webhook_inbox p
    WHERE p.state = 'parked'
      AND ($1::bigint[] IS NULL OR p.id = ANY($1::bigint[]))
      AND ($2::uuid IS NULL OR p.channel_id = $2::uuid)
      AND ($3::text IS NULL
        OR ($3::text = 'processing_error' AND p.last_error LIKE 'processing failed:%')
        OR ($3::text = 'unknown_message' AND p.last_error LIKE 'parked: no campaign recipient%'))
    ORDER BY p.id LIMIT $4)
  RETURNING w.id::text AS id
  )
  SELECT id FROM requeued`;

/** One page of parked items in id order (ix_webhook_inbox_parked). */
export const SELECT_PARKED_PAGE = `
  SELECT id::text AS id, channel_id, received_at, processed_at, attempts, last_error
  FROM webhook_inbox WHERE state = 'parked' AND id > $1::bigint ORDER BY id LIMIT $2`;
