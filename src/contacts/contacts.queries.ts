/**
 * Hand-written SQL of the contacts API: keyset listings, lookups, consent changes, lists. (The import's
 * SQL is in import/import.queries.ts, the imports table's in imports.queries.ts.) Parameters are always
 * bound ($n), never interpolated.
 */

const CONTACT_COLUMNS = `
  c.id::text AS id, c.phone, c.wa_id, c.first_name, c.last_name, c.language, c.country, c.attributes,
  c.opted_in_at, c.opt_in_source, c.opt_in_proof, c.opted_out_at, c.opt_out_reason, c.last_inbound_at,
  c.created_at, c.updated_at`;

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
  created_at: Date;
  updated_at: Date;
}

/** Keyset page over all contacts (by id). $1 cursor id (exclusive), $2 limit. */
export const CONTACTS_PAGE = `
  SELECT ${CONTACT_COLUMNS} FROM contacts c
  WHERE c.id > $1::bigint
  ORDER BY c.id LIMIT $2`;

/** Keyset page over one list's members (primary key list_id, contact_id). */
export const LIST_CONTACTS_PAGE = `
  SELECT ${CONTACT_COLUMNS} FROM list_members m JOIN contacts c ON c.id = m.contact_id
  WHERE m.list_id = $3::uuid AND m.contact_id > $1::bigint
  ORDER BY m.contact_id LIMIT $2`;

export const CONTACT_BY_PHONE = `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.phone = $1`;

export const CONTACT_BY_PHONE_IN_LIST = `
  SELECT ${CONTACT_COLUMNS} FROM contacts c
  WHERE c.phone = $1 AND EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = $2::uuid AND m.contact_id = c.id)`;

export const CONTACT_BY_ID = `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1::bigint`;

export const CONTACT_LIST_IDS = `SELECT list_id::text AS list_id FROM list_members WHERE contact_id = $1::bigint ORDER BY added_at, list_id`;

export const CONTACT_CONSENT_EVENTS = `
  SELECT id::text AS id, kind, source, proof, occurred_at, created_at FROM consent_events
  WHERE contact_id = $1::bigint ORDER BY occurred_at, id`;

export interface ConsentEventRecord {
  id: string;
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

/** Explicit opt-in: the only way back in after an opt-out. Every call is recorded. */
export const OPT_IN_CONTACT = `
  WITH changed AS (
    UPDATE contacts SET opted_in_at = $2, opt_in_source = $3, opt_in_proof = $4, opted_out_at = NULL, opt_out_reason = NULL,
           updated_at = now()
    WHERE id = $1::bigint
    RETURNING id
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT id, 'opt_in', $3, $4, $2 FROM changed
  )
  SELECT count(*)::int AS changed FROM changed`;

/**
 * Opt-out by WhatsApp id (inbound STOP), batch-wide. One row per number: the earliest occurrence
 * wins. Known contacts not yet opted out are opted out; numbers we do not know are recorded as
 * opted-out contacts ("opted-out-unknown") so that no later import can opt them in. A consent event
 * per change. Already opted out: untouched. Runs in the caller's transaction.
 * $1 phones (E.164), $2 occurred_at, $3 reasons, $4 sources, $5 proofs, $6 countries.
 */
export const OPT_OUT_BY_PHONE = `
  WITH o AS (
    SELECT DISTINCT ON (phone) phone, at, reason, source, proof, country
    FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])
      AS u(phone, at, reason, source, proof, country)
    ORDER BY phone, at
  ), known AS (
    UPDATE contacts c SET opted_out_at = o.at, opt_out_reason = o.reason, updated_at = now()
    FROM o
    WHERE c.phone = o.phone AND c.opted_out_at IS NULL
    RETURNING c.id, c.phone, false AS created
  ), unknown AS (
    INSERT INTO contacts (phone, wa_id, country, opted_out_at, opt_out_reason)
    SELECT o.phone, substr(o.phone, 2), o.country, o.at, o.reason FROM o
    WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.phone = o.phone)
    ORDER BY o.phone
    ON CONFLICT (phone) DO UPDATE SET opted_out_at = EXCLUDED.opted_out_at, opt_out_reason = EXCLUDED.opt_out_reason, updated_at = now()
      WHERE contacts.opted_out_at IS NULL
    RETURNING id, phone, (xmax = 0) AS created
  ), changed AS (
    SELECT * FROM known UNION ALL SELECT * FROM unknown
  ), consent AS (
    INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
    SELECT ch.id, 'opt_out', o.source, o.proof, o.at FROM changed ch JOIN o ON o.phone = ch.phone
  )
  SELECT id::text AS id, phone, created FROM changed`;

/** last_inbound_at only moves forward. $1 phones, $2 times (the latest per phone is kept). */
export const RECORD_INBOUND = `
  WITH touched AS (
    UPDATE contacts c SET last_inbound_at = i.at, updated_at = now()
    FROM (
      SELECT phone, max(at) AS at FROM unnest($1::text[], $2::timestamptz[]) AS u(phone, at) GROUP BY phone ORDER BY phone
    ) i
    WHERE c.phone = i.phone AND (c.last_inbound_at IS NULL OR c.last_inbound_at < i.at)
    RETURNING c.id
  )
  SELECT id::text AS id FROM touched ORDER BY id`;

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
