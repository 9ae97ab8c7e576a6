/**
 * The sender's writes of campaign_recipients, run only through RecipientsRepository (section Sending).
 * Every write of a claimed row names the claim that owns it (see CLAIM_PICKED in recipient-claim.queries.ts).
 */
import type { TemplateComponent } from '../whatsapp/types.js';

/** A row as a claim (recipient-claim.queries.ts) returns it: `sending` (to send now) or `skipped` (opted out since launch). */
export interface ClaimedRecipient {
  id: string;
  campaign_id: string;
  wa_id: string;
  components: TemplateComponent[] | null;
  status: 'sending' | 'skipped';
  attempts: number;
  /** 131049 waits so far (a retry budget of its own, apart from attempts). */
  marketing_limit_retries: number;
  /** The claim that owns the row (one per claim statement); every later write of it names this. */
  claim_id: string;
  /** The campaign's validUntil (valid-until.ts): a 131049 is not retried past it. */
  valid_until: Date | null;
  /** The contact wrote in the last 24 h: an open customer-service window, no messaging-limit budget used. */
  service_window: boolean;
  /** The A/B variant whose template it is sent (variants.ts templateFor); NULL: the campaign's template. */
  variant: string | null;
}

export interface AcceptedSend {
  id: string;
  messageId: string;
  sentAt: Date;
}

export interface FailedSend {
  id: string;
  claimId: string;
  code: number | null;
  title: string;
}

export interface RequeuedSend {
  id: string;
  claimId: string;
  delayMs: number;
  /** Gives back the attempt the claim counted (it did not count: throttled, paused…). */
  uncount: boolean;
  /** The waiting_reason the report shows until the next claim. */
  reason: string;
  code: number | null;
  title: string | null;
}

export interface UnknownSend {
  id: string;
  claimId: string;
  title: string;
}

export interface SendOutcomes {
  accepted: AcceptedSend[];
  failed: FailedSend[];
  requeued: RequeuedSend[];
  unknown: UnknownSend[];
}

export interface RecoveredLease {
  id: string;
  status: string;
  /** Confirmed for sending before the lease ran out: whether the message left is unknown. */
  dispatched: boolean;
}

/**
 * Right before a batch goes out: keep only rows this claim ($3) still owns (status sending, same
 * claim_id — a lease that ran out may have been recovered and claimed again by someone else) whose
 * campaign still runs, renew their lease and stamp them dispatched. The campaigns are read FOR SHARE:
 * a pause or cancel (which locks its campaign FOR UPDATE) either committed first and is honoured here,
 * or waits for this statement — whose rows the caller hands to HTTP the moment it returns.
 * $4 are the batch's campaigns as the claim returned them (a row's campaign_id never changes): a row
 * of a campaign missing from $4 is not locked, so it is not confirmed either (r.campaign_id = live.id).
 */
export const CONFIRM_BEFORE_SEND = `
  WITH live AS (
    SELECT c.id FROM campaigns c
    WHERE c.id = ANY($4::uuid[]) AND c.status = 'running'
    ORDER BY c.id
    FOR SHARE
  )
  UPDATE campaign_recipients r SET lease_until = now() + make_interval(secs => $2), dispatched_at = now()
  FROM live
  WHERE r.id = ANY($1::bigint[]) AND r.claim_id = $3::uuid AND r.status = 'sending' AND r.campaign_id = live.id
  RETURNING r.id`;

/**
 * The claim's decision (CLAIM_PICKED) and the outcome writes join a batch of ids (up to a few thousand)
 * to campaign_recipients, and run between these two settings (RecipientsRepository.claimForSending and
 * recordSendOutcomes, each one transaction). Left to its cost model, PostgreSQL reads the whole table
 * whenever it is small next to the batch or its statistics are stale (a campaign just launched): it
 * prices 1,000 primary-key probes (random_page_cost 4, for a disk the rows are not on: they are in
 * memory) above a sequential scan of 40,000 rows, which took 30–50 ms of a 65–110 ms write of 1,000
 * outcomes and grows with the table (docs/performance.md, send, sixth pass). Without sequential scans
 * the rows are found by their ids (`= ANY`, the primary key).
 */
export const BY_ID_PLAN_SETTINGS = `SET LOCAL enable_seqscan = off`;
export const BY_ID_PLAN_DEFAULTS = `SET LOCAL enable_seqscan TO DEFAULT`;
const BY_PRIMARY_KEY = 'r.id = ANY($1::bigint[])';

/**
 * Accepted by 360dialog. A status webhook may already have moved the row further: never backwards.
 * The error of an earlier attempt is cleared only on a row this answer moves to sent: a `failed`
 * status that arrived before the answer keeps its code and title (the report counts errors by them).
 * Not bound to the claim: the message went out, which is a fact whoever holds the row now — recording
 * it only moves the row forward, and stops a newer claim of it from sending it a second time.
 */
export const RECORD_ACCEPTED = `
  UPDATE campaign_recipients r SET
    status = CASE WHEN r.status IN ('sending', 'pending', 'unknown') THEN 'sent' ELSE r.status END,
    message_id = coalesce(r.message_id, v.message_id),
    sent_at = coalesce(r.sent_at, v.sent_at),
    lease_until = NULL, waiting_reason = NULL,
    error_code = CASE WHEN r.status IN ('sending', 'pending', 'unknown') THEN NULL ELSE r.error_code END,
    error_title = CASE WHEN r.status IN ('sending', 'pending', 'unknown') THEN NULL ELSE r.error_title END
  FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS v(id, message_id, sent_at)
  WHERE r.id = v.id AND ${BY_PRIMARY_KEY}`;

/** Outcomes below apply only to rows their claim still owns (see CLAIM_PICKED). */
export const RECORD_FAILED = `
  UPDATE campaign_recipients r SET
    status = 'failed', error_code = v.code, error_title = v.title, failed_at = now(), lease_until = NULL, waiting_reason = NULL
  FROM unnest($1::bigint[], $2::uuid[], $3::int[], $4::text[]) AS v(id, claim_id, code, title)
  WHERE r.id = v.id AND ${BY_PRIMARY_KEY} AND r.claim_id = v.claim_id AND r.status = 'sending'`;

/**
 * Back to pending after a delay (retry, throttling, unknown outcome…). `uncount` gives back the
 * attempt that did not count. A recipient of a campaign cancelled meanwhile becomes cancelled.
 */
export const REQUEUE = `
  UPDATE campaign_recipients r SET
    status = CASE WHEN c.status = 'cancelled' THEN 'cancelled' ELSE 'pending' END,
    next_attempt_at = now() + v.delay_ms * interval '1 millisecond',
    attempts = greatest(0, r.attempts - v.uncount),
    marketing_limit_retries = r.marketing_limit_retries + CASE WHEN v.reason = 'marketing_limit' THEN 1 ELSE 0 END,
    waiting_reason = v.reason, error_code = v.code, error_title = v.title, lease_until = NULL
  FROM unnest($1::bigint[], $2::uuid[], $3::int[], $4::int[], $5::text[], $6::int[], $7::text[])
         AS v(id, claim_id, delay_ms, uncount, reason, code, title),
       campaigns c
  WHERE r.id = v.id AND ${BY_PRIMARY_KEY} AND r.claim_id = v.claim_id AND c.id = r.campaign_id AND r.status = 'sending'`;

/** On-Premise, policy mark_unknown: the outcome is lost and the message is not resent. */
export const RECORD_UNKNOWN = `
  UPDATE campaign_recipients r SET status = 'unknown', lease_until = NULL, waiting_reason = NULL,
    error_title = v.title
  FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS v(id, claim_id, title)
  WHERE r.id = v.id AND ${BY_PRIMARY_KEY} AND r.claim_id = v.claim_id AND r.status = 'sending'`;

/**
 * Leases that ran out: the worker died (or stalled) between claim and outcome.
 * - Never confirmed for sending (`dispatched_at` NULL): nothing left, so back to pending at once,
 *   giving back the attempt.
 * - Dispatched: whether the message left is unknown. Cloud: wait (pending, not due) until the grace
 *   period after dispatch has passed — a status webhook carrying `biz_opaque_callback_data` moves it
 *   to sent meanwhile; only then may the claim resend it (unknown-outcome.ts: once the channel's status
 *   webhooks flow past it, or after UNKNOWN_OUTCOME_MAX_WAIT_SECONDS). On-Premise (no callback data): the configured policy,
 *   `unknown` or resend at once.
 * $1: the grace in seconds, $2: the On-Premise policy.
 */
export const RECOVER_EXPIRED_LEASES = `
  UPDATE campaign_recipients r SET
    status = CASE
      WHEN c.status = 'cancelled' THEN 'cancelled'
      WHEN r.dispatched_at IS NULL OR ch.api_generation = 'cloud' OR $2 = 'resend' THEN 'pending'
      ELSE 'unknown' END,
    next_attempt_at = CASE WHEN r.dispatched_at IS NOT NULL AND ch.api_generation = 'cloud'
      THEN greatest(now(), r.dispatched_at + make_interval(secs => $1))
      ELSE now() END,
    waiting_reason = CASE WHEN r.dispatched_at IS NULL OR c.status = 'cancelled' THEN NULL ELSE 'unknown_outcome' END,
    attempts = CASE WHEN r.dispatched_at IS NULL THEN greatest(0, r.attempts - 1) ELSE r.attempts END,
    lease_until = NULL
  FROM campaigns c JOIN channels ch ON ch.id = c.channel_id
  WHERE r.status = 'sending' AND r.lease_until < now() AND c.id = r.campaign_id
  RETURNING r.id, r.status, r.dispatched_at IS NOT NULL AS dispatched`;

/** Rows of this claim ($2) that were never handed to 360dialog (pause, cancel, shutdown): give them back untouched. */
export const RELEASE_UNSENT = `
  UPDATE campaign_recipients r SET
    status = CASE WHEN c.status = 'cancelled' THEN 'cancelled' ELSE 'pending' END,
    attempts = greatest(0, r.attempts - 1), lease_until = NULL
  FROM campaigns c
  WHERE r.id = ANY($1::bigint[]) AND r.claim_id = $2::uuid AND c.id = r.campaign_id AND r.status = 'sending'`;

/** The limit is used up: due recipients wait, visibly, until the oldest conversation leaves the window. */
export const WAIT_FOR_MESSAGING_LIMIT = `
  UPDATE campaign_recipients SET waiting_reason = 'messaging_limit', next_attempt_at = $2
  WHERE campaign_id = ANY($1::uuid[]) AND status = 'pending' AND next_attempt_at <= now()`;

/**
 * The campaign's send window is closed: its due recipients wait, visibly, until it opens ($2), so the
 * sender neither claims nor counts them meanwhile. Rows already waiting for an opening other than $2
 * (the window was changed while closed) move to the new one.
 */
export const WAIT_FOR_SEND_WINDOW = `
  UPDATE campaign_recipients SET waiting_reason = 'send_window', next_attempt_at = $2
  WHERE campaign_id = $1 AND status = 'pending'
    AND (next_attempt_at <= now() OR (waiting_reason = 'send_window' AND next_attempt_at <> $2))`;

/**
 * The window is open (or was removed) before the opening its recipients wait for: due at once. An
 * index range of ix_campaign_recipients_waiting; nothing to do costs one index probe per campaign.
 */
export const END_SEND_WINDOW_WAIT = `
  UPDATE campaign_recipients SET waiting_reason = NULL, next_attempt_at = now()
  WHERE campaign_id = ANY($1::uuid[]) AND status = 'pending' AND waiting_reason = 'send_window' AND next_attempt_at > now()`;
