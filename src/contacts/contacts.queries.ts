/**
 * Hand-written SQL of the contacts API: keyset listings, lookups, consent changes, lists. (The import's
 * SQL is in import/import.queries.ts, the imports table's in imports.queries.ts.) Parameters are always
 * bound ($n), never interpolated.
 */

const CONTACT_COLUMNS = `
  c.id::text AS id, c.phone, c.wa_id, c.first_name, c.last_name, c.language, c.country, c.attributes,
  c.opted_in_at, c.opt_in_source, c.opt_in_proof, c.opted_out_at, c.opt_out_reason, c.last_inbound_at,
  c.marketing_opted_out_at, c.user_id, c.created_at, c.updated_at`;

export interface ContactRecord {
  id: string;
  phone: string;
  wa_id: string;
  first_name: string | null;
  last_name: string | null;
  language: string | null;
  country: string | null;
  attributes: Record<string, string>;
  opted_in_at: Date | null;
  opt_in_source: string | null;
  opt_in_proof: string | null;
  opted_out_at: Date | null;
  opt_out_reason: string | null;
  last_inbound_at: Date | null;
  marketing_opted_out_at: Date | null;
  user_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The console's name search: an ILIKE pattern over "first last" ($n NULL: every contact). */
const NAME_MATCHES = (param: string) => `(${param}::text IS NULL OR concat_ws(' ', c.first_name, c.last_name) ILIKE ${param})`;

/** Keyset page over all contacts (by id). $1 cursor id (exclusive), $2 limit, $3 name pattern or NULL. */
export const CONTACTS_PAGE = `
  SELECT ${CONTACT_COLUMNS} FROM contacts c
  WHERE c.id > $1::bigint AND ${NAME_MATCHES('$3')}
  ORDER BY c.id LIMIT $2`;

/** Keyset page over one list's members (primary key list_id, contact_id); $4 name pattern or NULL. */
export const LIST_CONTACTS_PAGE = `
  SELECT ${CONTACT_COLUMNS} FROM list_members m JOIN contacts c ON c.id = m.contact_id
  WHERE m.list_id = $3::uuid AND m.contact_id > $1::bigint AND ${NAME_MATCHES('$4')}
  ORDER BY m.contact_id LIMIT $2`;

export const CONTACT_BY_PHONE = `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.phone = $1`;

export const CONTACT_BY_PHONE_IN_LIST = `
  SELECT ${CONTACT_COLUMNS} FROM contacts c
  WHERE c.phone = $1 AND EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = $2::uuid AND m.contact_id = c.id)`;

export const CONTACT_BY_ID = `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1::bigint`;

export const CONTACT_LIST_IDS = `SELECT list_id::text AS list_id FROM list_members WHERE contact_id = $1::bigint ORDER BY added_at, list_id`;

/**
 * The history: consent_events and the opt-in an import left in the contact row (view consent_history,
 * migration ImportOptInInContactRow). The in-row event has no id and was recorded first (with the contact).
 */
export const CONTACT_CONSENT_EVENTS = `
  SELECT id::text AS id, kind, source, proof, occurred_at, created_at FROM consent_history
  WHERE contact_id = $1::bigint ORDER BY occurred_at, id NULLS FIRST`;

export interface ConsentEventRecord {
  /** Null for the opt-in held in the contact row. */
  id: string | null;
  kind: string;
  source: string;
  proof: string | null;
  occurred_at: Date;
  created_at: Date;
}

/** A page of contacts by id (keyset): all contacts, or the members of one list. */
export interface ContactPageQuery {
  /** The last id of the previous page ('0' for the first page). */
  afterId: string;
  limit: number;
  listId?: string;
  /** ILIKE pattern matched against "first_name last_name" (wildcards in the user's text escaped). */
  namePattern?: string;
}

/** An opt-out asked for through the API. */
export interface ContactOptOut {
  contactId: string;
  at: Date;
  reason: string;
  source: string;
  proof: string | null;
}

/** An opt-in given through the API. */
export interface ContactOptIn {
  contactId: string;
  at: Date;
  source: string;
  proof: string | null;
}

/** Explicit opt-out through the API; an already opted-out contact keeps its first opt-out. */
export const OPT_OUT_CONTACT = `
  WITH changed AS (
    UPDATE contacts SET opted_out_at = $2, opt_out_reason = $3, updated_at = now()
    WHERE id = $1::bigint AND opted_out_at IS NULL
    RETURNING id
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT id, 'opt_out', $4, $5, $2 FROM changed
  )
  SELECT count(*)::int AS changed FROM changed`;

/**
 * Explicit opt-in: the only way back in after an opt-out. Every call is recorded. It replaces the
 * opted_in_at / opt_in_source / opt_in_proof an import may have left as the contact's opt-in event
 * (opt_in_event_in_row): that event is written out first (before the new one, with its own recording
 * time), so the history stays the same.
 */
export const OPT_IN_CONTACT = `
  WITH before AS (
    SELECT id, opted_in_at, opt_in_source, opt_in_proof, created_at, opt_in_event_in_row FROM contacts
    WHERE id = $1::bigint FOR UPDATE
  ), changed AS (
    UPDATE contacts c SET opted_in_at = $2, opt_in_source = $3, opt_in_proof = $4, opted_out_at = NULL, opt_out_reason = NULL,
           opt_in_event_in_row = false, updated_at = now()
    FROM before b WHERE c.id = b.id
    RETURNING c.id
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at, created_at)
    SELECT contact_id, 'opt_in', source, proof, occurred_at, created_at FROM (
      SELECT 1 AS position, b.id AS contact_id, b.opt_in_source AS source, b.opt_in_proof AS proof, b.opted_in_at AS occurred_at, b.created_at
      FROM before b WHERE b.opt_in_event_in_row
      UNION ALL
      SELECT 2, id, $3, $4, $2, now() FROM changed
    ) e ORDER BY position
  )
  SELECT count(*)::int AS changed FROM changed`;

/** cursor_at: created_at to the microsecond, for the keyset cursor (a JS Date keeps milliseconds only). */
export const LISTS_PAGE = `
  SELECT l.id::text AS id, l.name, l.created_at,
         to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
         (SELECT count(*) FROM list_members m WHERE m.list_id = l.id)::int AS member_count
  FROM lists l
  WHERE ($1::timestamptz IS NULL OR (l.created_at, l.id) > ($1::timestamptz, $2::uuid))
  ORDER BY l.created_at, l.id LIMIT $3`;

export const LIST_BY_ID = `
  SELECT l.id::text AS id, l.name, l.created_at,
         (SELECT count(*) FROM list_members m WHERE m.list_id = l.id)::int AS member_count
  FROM lists l WHERE l.id = $1::uuid`;

export interface ListRecord {
  id: string;
  name: string;
  created_at: Date;
  cursor_at?: string;
  member_count: number;
}

/** Where the previous page of lists ended: created_at as PostgreSQL's text (microseconds), id. */
export interface ListPosition {
  createdAt: string;
  id: string;
}
