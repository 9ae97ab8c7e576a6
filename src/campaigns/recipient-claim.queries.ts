/**
 * The sender's claim of campaign_recipients, run only through RecipientsRepository.claimForSending, in
 * one transaction of three statements (the order is what makes the frequency cap safe):
 *   1. PICK_DUE: lock the due rows this claim may take (FOR UPDATE SKIP LOCKED: workers share the work);
 *   2. LOCK_CONTACTS: take a per-contact advisory lock for each of their contacts, in key order;
 *   3. CLAIM_PICKED: decide row by row — send, skip, wait (and until when), or leave for the next claim —
 *      and write it, stamping the frequency ledger of what goes out.
 * The clock of every statement is `greatest(now(), $clock)`: the database's, or a later one a worker
 * passes in (a test's injected clock moves time forward, never back).
 */
import { recipientWindowSql } from './send-window.js';
import { unknownOutcomeWaitSql } from './unknown-outcome.js';
import { validUntilSql } from './valid-until.js';
import type { FrequencyCap } from './frequency-cap.js';
import type { ClaimedRecipient } from './recipient-sends.queries.js';

/** One campaign of a claim: its cap (frequency-cap.ts, null: none) and whether its template is MARKETING. */
export interface ClaimCampaign {
  id: string;
  /** The A/B variant these settings are for (its template's category); null: the campaign's template. */
  variant?: string | null;
  marketing: boolean;
  frequencyCap: FrequencyCap | null;
}

/** What a claim did: the rows to send or skipped now; how many due rows it looked at (all of `limit`: more may be due); how many it wrote waiting. */
export interface ClaimResult {
  claimed: ClaimedRecipient[];
  picked: number;
  waited: number;
}

export interface RecipientClaim {
  campaigns: ClaimCampaign[];
  limit: number;
  leaseSeconds: number;
  claimId: string;
  now: Date;
  budget: number | null;
  /** UNKNOWN_OUTCOME_MAX_WAIT_SECONDS (unknown-outcome.ts); default 3600. */
  unknownOutcomeMaxWaitSeconds?: number;
}

/** The claim's clock as SQL over the parameter `param`. */
export const claimClock = (param: string): string => `greatest(now(), ${param}::timestamptz)`;

/**
 * Due rows of running campaigns ($1), oldest due first, at most $2, locked for this transaction. Rows
 * another worker holds are skipped, so concurrent claims never take the same row.
 */
export const PICK_DUE = `
  SELECT r.id, r.contact_id
  FROM campaign_recipients r
  JOIN campaigns c ON c.id = r.campaign_id AND c.status = 'running'
  WHERE r.campaign_id = ANY($1::uuid[]) AND r.status = 'pending' AND r.next_attempt_at <= ${claimClock('$3')}
  ORDER BY r.next_attempt_at, r.id
  LIMIT $2
  FOR UPDATE OF r SKIP LOCKED`;

/**
 * PICK_DUE for a single campaign ($1, a uuid): the same rows in the same order, read in the order of
 * ix_campaign_recipients_due (campaign_id, next_attempt_at, id; pending rows), so the scan stops after
 * $2 rows. Over `= ANY` of an array PostgreSQL 15 cannot use that order and sorts every due row of the
 * campaigns on each claim: 98 against 25 ms for 5,000 of 25,000 due rows (docs/performance.md).
 */
export const PICK_DUE_ONE = `
  SELECT r.id, r.contact_id
  FROM campaign_recipients r
  JOIN campaigns c ON c.id = r.campaign_id AND c.status = 'running'
  WHERE r.campaign_id = $1::uuid AND r.status = 'pending' AND r.next_attempt_at <= ${claimClock('$3')}
  ORDER BY r.next_attempt_at, r.id
  LIMIT $2
  FOR UPDATE OF r SKIP LOCKED`;

/**
 * Invariant of the frequency cap: a contact's frequency_ledger rows are counted and added only by a
 * transaction holding that contact's advisory lock, taken HERE, in a statement before the one that counts.
 * (In READ COMMITTED each statement sees what committed before it began: had the lock been taken inside
 * the counting statement, its snapshot could miss the row a concurrent claim committed meanwhile.) So two
 * workers claiming one contact for two campaigns are serialised: the second counts the first one's row.
 * Locks are taken in key order after the channel's messaging-limit lock, and never while waiting for a
 * row lock (PICK_DUE skips locked rows), so claims cannot deadlock.
 */
export const LOCK_CONTACTS = `
  SELECT count(pg_advisory_xact_lock(k.key))
  FROM (SELECT DISTINCT hashtextextended('frequency-cap:' || id, 0) AS key FROM unnest($1::bigint[]) AS id ORDER BY key) k`;

const window = recipientWindowSql('d.send_window', 'd.zone', 'd.clock');
const outcome = unknownOutcomeWaitSql('r', 'ch', claimClock('$4'), '$11::int');

/**
 * Decides each picked row ($1) and writes the decision:
 * - the contact opted out since launch → `skipped` (opted_out);
 * - a Cloud recipient whose last send had an unknown outcome, while its channel's status webhooks are
 *   silent (channels.statuses_seen_through not after its dispatched_at) and less than $11 seconds
 *   (UNKNOWN_OUTCOME_MAX_WAIT_SECONDS) since that dispatch → keeps waiting (`unknown_outcome`), looked at
 *   again a few seconds later (unknown-outcome.ts: the rule and its invariant). A status for it moves it
 *   to sent meanwhile, so it is never picked again. Cost: one channel row per picked row (its primary key);
 *   only rows requeued for an unknown outcome (rare) ever wait here;
 * - a recipient-local send window (sendWindow.timezone "recipient") closed in the recipient's zone (the
 *   zone stored at launch, else the campaign's fallbackTimezone) → waits (`send_window`) until it opens
 *   there;
 * - a MARKETING template and the contact at its cap (per campaign: $6 max, $7 hours, null = none) →
 *   waits (`frequency_cap`) until the max-th newest counted message leaves the window, or `skipped`
 *   (frequency_cap) when that is after the campaign's validUntil. Counted: the contact's ledger rows in
 *   the window whose recipient was not failed, cancelled or skipped, other than this recipient itself;
 * - otherwise it goes out — but only the first row of a contact in this claim (a second one, of another
 *   campaign, is left for the next claim, which then counts the first), and, with a messaging limit,
 *   only $9 rows that open a new conversation (a contact that wrote in the last 24 h has an open
 *   customer-service window and costs no budget); the rest are left untouched, still due.
 * $8 says per campaign whether its template is MARKETING (ledger rows are written for those only).
 * $5…$8 and $10 are one row per (campaign, variant): $10 the A/B variant's name, null for a campaign
 * without variants (and for an A/B test's recipients without a variant yet, which are never due); an
 * A/B recipient's cap and ledger row follow its own variant's template category.
 * $1 must be rows this transaction locked as pending (PICK_DUE): the statement does not check their status
 * again (see `due`), so rows of another claim passed here would be sent twice.
 * Every claim writes its own claim_id ($3): the later writes of this claim (confirm, outcome, release)
 * require it, so once a lease ran out and another claim took the row, the first worker can no longer
 * touch it.
 */
export const CLAIM_PICKED = `
  WITH settings AS (
    SELECT * FROM unnest($5::uuid[], $6::int[], $7::int[], $8::boolean[], $10::text[]) AS s(campaign_id, cap_max, cap_hours, marketing, variant)
  ),
  due AS (
    SELECT r.id, r.contact_id, r.next_attempt_at, ${claimClock('$4')} AS clock,
      ct.opted_out_at IS NOT NULL AS opted_out,
      coalesce(ct.last_inbound_at > ${claimClock('$4')} - interval '24 hours', false) AS service_window,
      ${validUntilSql('c')} AS valid_until,
      c.send_window, c.send_window ->> 'timezone' = 'recipient' AS local_window,
      coalesce(r.timezone, c.send_window ->> 'fallbackTimezone') AS zone,
      s.cap_max, s.cap_hours, coalesce(s.marketing, false) AS marketing,
      ${outcome.waits} AS outcome_waits, ${outcome.until} AS outcome_until
    FROM campaign_recipients r
    JOIN campaigns c ON c.id = r.campaign_id
    JOIN channels ch ON ch.id = c.channel_id
    JOIN contacts ct ON ct.id = r.contact_id
    -- One settings row per (campaign, variant): an A/B recipient is judged by its own variant's template.
    LEFT JOIN settings s ON s.campaign_id = r.campaign_id AND s.variant IS NOT DISTINCT FROM r.variant
    -- Pending without saying so: PICK_DUE locked these rows as pending in this transaction, so nothing
    -- can have moved them since. Naming the status let a planner with stale statistics (a campaign just
    -- launched) read every pending row of ix_campaign_recipients_due and filter them by id.
    WHERE r.id = ANY($1::bigint[])
  ),
  judged AS (
    SELECT d.*, w.opens_at, used.until,
      CASE
        WHEN d.opted_out THEN 'skip_opted_out'
        WHEN d.outcome_waits THEN 'wait_outcome'
        WHEN d.local_window AND NOT w.inside THEN 'wait_window'
        WHEN used.counted >= d.cap_max AND used.until > d.valid_until THEN 'skip_cap'
        WHEN used.counted >= d.cap_max THEN 'wait_cap'
        ELSE 'send'
      END AS verdict
    FROM due d
    LEFT JOIN LATERAL (SELECT ${window.inside} AS inside, ${window.opensAt} AS opens_at) w ON d.local_window
    LEFT JOIN LATERAL (
      SELECT count(*) AS counted,
        (array_agg(f.counted_at ORDER BY f.counted_at DESC))[d.cap_max] + make_interval(hours => d.cap_hours) AS until
      FROM frequency_ledger f
      JOIN campaign_recipients o ON o.id = f.recipient_id
      WHERE f.contact_id = d.contact_id AND f.recipient_id <> d.id
        AND f.counted_at > d.clock - make_interval(hours => d.cap_hours)
        AND o.status NOT IN ('failed', 'cancelled', 'skipped') AND d.cap_max IS NOT NULL
    ) used ON d.cap_max IS NOT NULL
  ),
  first_of_contact AS (
    SELECT j.*, row_number() OVER (PARTITION BY j.contact_id, j.verdict ORDER BY j.next_attempt_at, j.id) AS contact_rank
    FROM judged j
  ),
  budgeted AS (
    SELECT f.*,
      row_number() OVER (PARTITION BY (f.verdict = 'send' AND f.contact_rank = 1 AND NOT f.service_window) ORDER BY f.next_attempt_at, f.id) AS budget_rank
    FROM first_of_contact f
  ),
  decided AS (
    SELECT b.*, CASE
      WHEN b.verdict <> 'send' THEN b.verdict
      WHEN b.contact_rank > 1 THEN 'leave'
      WHEN b.service_window OR $9::int IS NULL OR b.budget_rank <= $9::int THEN 'send'
      ELSE 'leave'
    END AS action
    FROM budgeted b
  ),
  ledger AS (
    INSERT INTO frequency_ledger (recipient_id, contact_id, counted_at)
    SELECT d.id, d.contact_id, d.clock FROM decided d WHERE d.action = 'send' AND d.marketing
    ON CONFLICT (recipient_id) DO UPDATE SET counted_at = excluded.counted_at
  )
  UPDATE campaign_recipients r SET
    status = CASE d.action WHEN 'send' THEN 'sending' WHEN 'skip_opted_out' THEN 'skipped' WHEN 'skip_cap' THEN 'skipped' ELSE 'pending' END,
    skip_reason = CASE d.action WHEN 'skip_opted_out' THEN 'opted_out' WHEN 'skip_cap' THEN 'frequency_cap' ELSE r.skip_reason END,
    lease_until = CASE WHEN d.action = 'send' THEN d.clock + make_interval(secs => $2) END,
    attempts = r.attempts + CASE WHEN d.action = 'send' THEN 1 ELSE 0 END,
    claim_id = CASE WHEN d.action = 'send' THEN $3::uuid ELSE r.claim_id END,
    dispatched_at = CASE WHEN d.action = 'send' THEN NULL ELSE r.dispatched_at END,
    next_attempt_at = CASE d.action WHEN 'wait_window' THEN d.opens_at WHEN 'wait_cap' THEN d.until WHEN 'wait_outcome' THEN d.outcome_until ELSE r.next_attempt_at END,
    waiting_reason = CASE d.action WHEN 'wait_window' THEN 'send_window' WHEN 'wait_cap' THEN 'frequency_cap' WHEN 'wait_outcome' THEN 'unknown_outcome' END
  FROM decided d
  WHERE r.id = d.id AND d.action <> 'leave'
  RETURNING r.id, r.campaign_id, r.wa_id, r.components, r.status, r.attempts, r.marketing_limit_retries, r.claim_id,
    d.valid_until, d.service_window, r.variant`;

/**
 * Ledger rows older than the longest cap a setting can name (FREQUENCY_CAP_HOURS) never count again:
 * deleted in bounded batches ($1 hours, $2 rows) so the ledger stays the size of that window.
 */
export const PRUNE_FREQUENCY_LEDGER = `
  DELETE FROM frequency_ledger WHERE recipient_id IN (
    SELECT recipient_id FROM frequency_ledger WHERE counted_at < now() - make_interval(hours => $1) LIMIT $2)`;
