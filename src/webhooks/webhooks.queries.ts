import { copyValue } from '../database/copy.js';

/**
 * Hand-written SQL of the two tables webhooks/ owns, webhook_inbox and message_events, run only through
 * InboxRepository and MessageEventsRepository. Everything is set-based: one statement per step of a
 * batch, whatever its size. The statements of the other tables a batch writes live with their owners:
 * campaigns/recipient-statuses.queries.ts (campaign_recipients) and contacts/inbound.queries.ts (contacts).
 */

/**
 * The receiver's group commit: every body waiting in the receiver goes in with one COPY (autocommit:
 * one statement, one commit, all its rows or none), one line per body in the column order of
 * inboxCopyLine. COPY rather than INSERT … SELECT FROM json_to_recordset($1): the parameter carried the
 * bodies JSON-escaped (every quote sent as \") for PostgreSQL to parse as JSON text again; as COPY text
 * they go as they are and PostgreSQL only splits lines, which took about a quarter off the backend's CPU
 * per webhook (docs/performance.md, webhook ingest, fourth pass). The columns left out take their defaults as
 * before: id (identity, in line order), received_at and next_attempt_at (now(), the transaction's start,
 * one time for the whole batch as before), attempts 0, processed_at null. Nothing is returned: the
 * receiver needs no id, and the processor finds the rows by its claim (state, next_attempt_at, id).
 */
export const COPY_INBOX_ROWS = `COPY webhook_inbox (channel_id, body, state, last_error) FROM STDIN`;

/**
 * One line of COPY_INBOX_ROWS in the COPY text format. The body goes in exactly as received: copyValue
 * escapes backslash, tab, newline and carriage return, which PostgreSQL turns back into the same
 * characters; the only character it drops is NUL, which a pending body cannot hold (it is valid JSON)
 * and a rejected one has replaced before it gets here (WebhookReceiver).
 */
export function inboxCopyLine(channelId: string, body: string, state: string, lastError: string | null): string {
  return `${copyValue(channelId)}\t${copyValue(body)}\t${copyValue(state)}\t${copyValue(lastError)}\n`;
}

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

/** Inbound message ids share the history table (status 'inbound'): a repeated inbound message is a no-op. */
export const INSERT_INBOUND_EVENTS = `
  INSERT INTO message_events (message_id, status, occurred_at)
  SELECT m.message_id, 'inbound', m.occurred_at FROM unnest($1::text[], $2::timestamptz[]) AS m(message_id, occurred_at)
  ORDER BY m.message_id
  ON CONFLICT (message_id, status) DO NOTHING
  RETURNING message_id`;

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
