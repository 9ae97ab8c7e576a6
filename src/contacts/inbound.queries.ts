/**
 * The contacts statements of inbound messages (webhooks/), run only through ContactsRepository
 * ("Inbound messages" section), inside the webhook batch's one transaction. Set-based: one statement
 * per batch, whatever its size. Contacts are found by wa_id, the id WhatsApp names the sender by,
 * through uq_contacts_phone: a contact's wa_id is its phone's digits (CHECK phone = '+' || wa_id), so
 * `c.phone = '+' || wa_id` finds the same contacts as `c.wa_id = wa_id`, and wa_id needs no index of its own.
 */

/** An inbound message of a batch: who wrote, and when. */
export interface InboundTouch {
  /** The sender's WhatsApp id (digits; a phone number in international format is accepted too). */
  waId: string;
  at: Date;
}

/** An opt-out asked by an inbound keyword message. */
export interface KeywordOptOut {
  /** The sender's WhatsApp id (digits; a phone number in international format is accepted too). */
  waId: string;
  /** The message's timestamp: when the contact asked to stop. */
  occurredAt: Date;
  /** Stored on a known contact, e.g. 'inbound keyword "STOP"'. */
  reason: string;
  /** Stored on the opted-out contact recorded for a number that was not a contact. */
  reasonIfUnknown: string;
  /** The consent event's evidence (the message as JSON). */
  proof: string | null;
}

/** A contact an opt-out changed. */
export interface KeywordOptOutOutcome {
  contactId: string;
  waId: string;
  phone: string;
  /** The number was not a contact: it is now recorded as an opted-out contact (opted-out-unknown). */
  created: boolean;
}

export interface KeywordOptOutRow {
  id: string;
  wa_id: string;
  phone: string;
  created: boolean;
}

/**
 * An inbound message opens the 24 h service window: last_inbound_at moves forward to the latest
 * message per sender, never back. Senders that are not contacts are ignored. (A CTE, so that TypeORM
 * returns the rows: for a bare UPDATE … RETURNING it answers [rows, count].)
 * $1 wa_ids, $2 times.
 */
export const TOUCH_LAST_INBOUND = `
  WITH touched AS (
    UPDATE contacts c SET last_inbound_at = m.at, updated_at = now()
    FROM (
      SELECT wa_id, max(at) AS at FROM unnest($1::text[], $2::timestamptz[]) AS u(wa_id, at) GROUP BY wa_id ORDER BY wa_id
    ) m
    WHERE c.phone = '+' || m.wa_id AND (c.last_inbound_at IS NULL OR c.last_inbound_at < m.at)
    RETURNING c.id
  )
  SELECT id::text AS id FROM touched ORDER BY id`;

/**
 * Opt-out by inbound keyword, one per sender (the earliest message of the batch is the proof).
 * - a known contact (by wa_id) not yet opted out: opted out now;
 * - a number we do not know: recorded as an opted-out contact (phone '+' || wa_id, with its country),
 *   so that a later import cannot message it (an import keeps opted-out contacts opted out).
 *   ON CONFLICT covers an import inserting the same phone at the same moment.
 * Every change gets a consent_events row (source 'inbound_keyword') with the message as proof.
 * Already opted out: nothing. While an import runs, this waits for it to commit (the import locks
 * contacts against writers).
 * $1 wa_ids, $2 times, $3 reasons, $4 reasons for unknown numbers, $5 proofs, $6 countries.
 */
export const OPT_OUT_BY_KEYWORD = `
  WITH o AS (
    SELECT DISTINCT ON (wa_id) wa_id, at, reason, unknown_reason, proof, country
    FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])
      AS u(wa_id, at, reason, unknown_reason, proof, country)
    ORDER BY wa_id, at
  ), known AS (
    UPDATE contacts c SET opted_out_at = o.at, opt_out_reason = o.reason, last_inbound_at = greatest(c.last_inbound_at, o.at), updated_at = now()
    FROM o
    WHERE c.phone = '+' || o.wa_id AND c.opted_out_at IS NULL
    RETURNING c.id, o.wa_id, c.phone, false AS created
  ), unknown AS (
    INSERT INTO contacts (phone, wa_id, country, opted_out_at, opt_out_reason, last_inbound_at)
    SELECT '+' || o.wa_id, o.wa_id, o.country, o.at, o.unknown_reason, o.at FROM o
    WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.phone = '+' || o.wa_id)
    ON CONFLICT (phone) DO UPDATE SET opted_out_at = EXCLUDED.opted_out_at, opt_out_reason = EXCLUDED.opt_out_reason, updated_at = now()
      WHERE contacts.opted_out_at IS NULL
    RETURNING id, wa_id, phone, (xmax = 0) AS created
  ), changed AS (
    SELECT * FROM known UNION ALL SELECT * FROM unknown
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT ch.id, 'opt_out', 'inbound_keyword', o.proof, o.at FROM changed ch JOIN o ON o.wa_id = ch.wa_id
  )
  SELECT id::text AS id, wa_id, phone, created FROM changed`;

/**
 * WhatsApp says a person stopped marketing messages (user_preferences `stop`, or error 131050 on a
 * send or status). Only known contacts: there is nothing to protect for a number we never message.
 * The first report sets marketing_opted_out_at; a repeated one changes nothing and records nothing.
 * The general opt-out (opted_out_at) is left alone: utility and authentication templates still reach them.
 */
export const MARKETING_OPT_OUT = `
  WITH r AS (
    SELECT DISTINCT ON (wa_id) wa_id, at, source, proof
    FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS u(wa_id, at, source, proof)
    ORDER BY wa_id, at
  ), changed AS (
    UPDATE contacts c SET marketing_opted_out_at = r.at, updated_at = now()
    FROM r
    WHERE c.phone = '+' || r.wa_id AND c.marketing_opted_out_at IS NULL
    RETURNING c.id, r.wa_id
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT ch.id, 'marketing_opt_out', r.source, r.proof, r.at FROM changed ch JOIN r ON r.wa_id = ch.wa_id
  )
  SELECT id::text AS id, wa_id FROM changed`;

/** A person resumed marketing messages: recorded as history, but it opts nobody in (only the business's own opt-in does). */
export const RECORD_MARKETING_RESUME = `
  INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
  SELECT c.id, 'marketing_resume', u.source, u.proof, u.at
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) AS u(wa_id, at, source, proof)
  JOIN contacts c ON c.phone = '+' || u.wa_id
  RETURNING contact_id::text AS id`;
