/**
 * SQL of an import run (contacts/import/import-run.ts): the writer's lock and settings, the stage tables
 * and their COPY, the set-based merge into contacts, the import's list and the liveness lock. Runs on the
 * run's own pg connections; parameters are always bound ($n), never interpolated (table names are built
 * from the import id by importTableName, which accepts hex only).
 */

/** Advisory lock class (two-int form) of the per-import liveness lock: held by whoever runs the import. */
export const IMPORT_LIVENESS_LOCK_CLASS = 720_360_101;

/**
 * How an import writes. Everything it publishes is written by one transaction (the WRITER), which
 * starts by taking SHARE ROW EXCLUSIVE on contacts: that conflicts with every other writer of contacts
 * (INSERT/UPDATE/DELETE take ROW EXCLUSIVE) and with another import, but not with readers nor with
 * FOREIGN KEY checks (campaign launch). So imports run one at a time, a webhook opt-out waits for the
 * import to commit instead of deadlocking with it, the plain INSERT of new contacts never meets a
 * unique violation, and what a merge reads is what it writes. Only the COMMIT publishes anything.
 *
 * A second connection (the STAGER, autocommit) COPYs each chunk into an unlogged table of its own
 * while the writer merges the previous chunk, so the COPY (about a fifth of PostgreSQL's work) runs
 * on the other core, and Node parses the next chunk meanwhile. Stage tables are dropped at the end.
 * Cost: writers of contacts wait while an import runs (about 10-15 s for a million rows).
 */
export const LOCK_CONTACTS_FOR_IMPORT = `LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE`;

/**
 * Settings local to the writer's transaction. The merge joins a chunk (tens of thousands of rows) to
 * contacts by phone: index probes cost the same whatever the table size, while the planner, without
 * statistics on a fresh stage table, may prefer a hash join over a full scan of contacts per chunk.
 */
export const IMPORT_TRANSACTION_SETTINGS = [`SET LOCAL enable_hashjoin = off`, `SET LOCAL enable_mergejoin = off`, `SET LOCAL work_mem = '64MB'`];

/** Contacts this import has handled that existed before it (cross-chunk duplicates of those). */
export const CREATE_IMPORT_SEEN = `CREATE TEMP TABLE import_seen (id bigint PRIMARY KEY) ON COMMIT DROP`;

/** Names of one import's stage tables: imp_<import id hex>_s<chunk>. */
export function importTableName(importId: string, suffix: string): string {
  const hex = importId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex) || !/^[a-z0-9]+$/.test(suffix)) throw new Error(`bad import table name ${importId} ${suffix}`);
  return `imp_${hex}_${suffix}`;
}

/** Stage tables left behind (by an engine that died mid-import), by import id hex. */
export const IMPORT_TABLES = `
  SELECT relname AS name, substring(relname from '^imp_([0-9a-f]{32})_') AS hex
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname = current_schema() AND relname ~ '^imp_[0-9a-f]{32}_[a-z0-9]+$'`;

/**
 * Column order matches stageLine() in copy-text.ts; one row per phone, in phone order (StageChunk). No
 * wa_id: it is the phone without its "+" (the CHECK on contacts says so), so the merge derives it
 * instead of Node writing and the stager parsing a second copy of every number.
 */
export function createStageTable(table: string): string {
  return `
    CREATE UNLOGGED TABLE ${table} (
      line integer NOT NULL,
      phone text COLLATE "C" NOT NULL,
      country text,
      first_name text,
      last_name text,
      language text,
      attributes jsonb NOT NULL,
      opted_in_at timestamptz,
      opt_in_source text,
      opt_in_proof text
    )`;
}

/**
 * FREEZE (the table is created in the same transaction): the writer reads it without setting hint bits.
 * Rows stay in the order they are sent (phone order) as long as nothing else touches the table.
 */
export function copyIntoStage(table: string): string {
  return `COPY ${table} (line, phone, country, first_name, last_name, language, attributes, opted_in_at, opt_in_source, opt_in_proof) FROM STDIN WITH (FREEZE)`;
}

export const COPY_IMPORT_ERRORS = `COPY import_errors (import_id, line, value, reason) FROM STDIN`;

/** Rejects of an earlier run of the same import (one another engine abandoned): the counts stay exact. */
export const DELETE_IMPORT_ERRORS = `DELETE FROM import_errors WHERE import_id = $1`;

/** The list of an import: reused by name, created inside the import's transaction (gone if it fails). */
export const FIND_LIST_BY_NAME = `SELECT id FROM lists WHERE name = $1`;
export const INSERT_LIST = `INSERT INTO lists (name) VALUES ($1) RETURNING id`;

/** A new contact whose number an erasure remembered as opted out (contact_erasures) is created opted out. */
const ERASED_OPT_OUT_REASON = 'opted out before the contact was erased';
const ERASURE_SOURCE = 'erasure_registry';

/**
 * Merges one staged chunk into contacts (writer). $1 list id (or null), $2 the import's time (default
 * opted_in_at), $3 default opt-in source, $4 import id (default proof), $5/$6 the HMAC pads of the
 * erasure key (contacts/phone-hash.ts), $7 whether any erasure is remembered (else the hash is skipped),
 * $8 the chunk's rows as its COPY counted them (no second scan of the stage table for the count).
 *
 * - Erased numbers: a new phone whose HMAC is in contact_erasures is inserted opted out (and/or out of
 *   marketing) as the erased person was, with the opt-out consent events; it counts as opted out.
 *
 * - In-file duplicates: the first row of a phone wins (lowest line). Within a chunk the import keeps
 *   only that row (StageChunk): the stage table holds each phone once, in phone order, so the join
 *   probes the phone index in its order without a sort (a duplicate that got through would fail the
 *   insert on uq_contacts_phone or import_seen, never be merged twice). Across chunks a contact this
 *   import already handled is recognised by its xmin (a row this transaction inserted or updated) or,
 *   for a known contact left unchanged, by import_seen.
 * - New phone: inserted, opted in (the file's opted_in_at/opt_in_source/opt_in_proof, else the
 *   import's time, optInSource and "import <id> line <n>"). That opt-in is its consent event as it
 *   stands in the row (opt_in_event_in_row; the view consent_history shows it): no consent_events row
 *   per new contact. Opt-outs of erased numbers, and the opt-in of a known contact, are rows.
 * - Known phone: counted as updated. Fields from the file replace stored ones only where the file
 *   has a value; attributes are merged (the file's keys win). Unchanged rows are not rewritten, so a
 *   re-import costs reads, not writes. Consent is never touched: an opted-out contact stays opted
 *   out, an opted-in one keeps its original opt-in. (A contact with neither - which no path of the
 *   engine creates today - is opted in like a new one, with its consent event.)
 * - Every contact of the chunk joins the list. New contacts cannot be members yet: a plain INSERT (ON
 *   CONFLICT would double its cost). Known ones go in with ON CONFLICT DO NOTHING, one probe of the
 *   primary key each whatever the planner thinks: a NOT EXISTS anti-join, planned without statistics
 *   (hash and merge joins are off here), compared every pair for a list of 19,000 (180 million
 *   comparisons, 20 s for a re-import of 20,000 rows). Nothing else writes list_members while the
 *   import holds its lock on contacts (imports run one at a time).
 */
export function mergeImportChunk(stageTable: string): string {
  return `
    WITH m AS (
      SELECT d.*,
             c.id AS contact_id,
             (c.id IS NOT NULL AND (s.id IS NOT NULL OR c.xmin = pg_current_xact_id()::xid)) AS seen,
             c.opted_out_at IS NOT NULL AS opted_out,
             (c.id IS NOT NULL AND c.opted_in_at IS NULL AND c.opted_out_at IS NULL) AS needs_opt_in,
             (c.id IS NOT NULL AND (
                  (c.opted_in_at IS NULL AND c.opted_out_at IS NULL)
               OR (d.first_name IS NOT NULL AND d.first_name IS DISTINCT FROM c.first_name)
               OR (d.last_name IS NOT NULL AND d.last_name IS DISTINCT FROM c.last_name)
               OR (d.language IS NOT NULL AND d.language IS DISTINCT FROM c.language)
               OR (d.country IS NOT NULL AND d.country IS DISTINCT FROM c.country)
               OR NOT (c.attributes @> d.attributes))) AS changed
             , e.opted_out_at AS erased_opted_out_at, e.marketing_opted_out_at AS erased_marketing_opted_out_at
      FROM ${stageTable} d
      LEFT JOIN contacts c ON c.phone = d.phone
      LEFT JOIN import_seen s ON s.id = c.id
      LEFT JOIN contact_erasures e ON $7::boolean AND c.id IS NULL
                                  AND e.phone_hash = sha256($6::bytea || sha256($5::bytea || convert_to(d.phone, 'UTF8')))
    ), ins AS (
      INSERT INTO contacts (phone, wa_id, country, first_name, last_name, language, attributes, opted_in_at, opt_in_source, opt_in_proof,
                            opt_in_event_in_row, opted_out_at, opt_out_reason, marketing_opted_out_at)
      SELECT phone, substr(phone, 2), country, first_name, last_name, language, attributes,
             coalesce(opted_in_at, $2::timestamptz), coalesce(opt_in_source, $3::text),
             coalesce(opt_in_proof, 'import ' || $4::text || ' line ' || line), true,
             erased_opted_out_at, CASE WHEN erased_opted_out_at IS NOT NULL THEN '${ERASED_OPT_OUT_REASON}' END, erased_marketing_opted_out_at
      FROM m WHERE contact_id IS NULL
      RETURNING id, opted_out_at, marketing_opted_out_at
    ), upd AS (
      UPDATE contacts c SET
        first_name = coalesce(m.first_name, c.first_name),
        last_name = coalesce(m.last_name, c.last_name),
        language = coalesce(m.language, c.language),
        country = coalesce(m.country, c.country),
        attributes = c.attributes || m.attributes,
        opted_in_at = CASE WHEN m.needs_opt_in THEN coalesce(m.opted_in_at, $2::timestamptz) ELSE c.opted_in_at END,
        opt_in_source = CASE WHEN m.needs_opt_in THEN coalesce(m.opt_in_source, $3::text) ELSE c.opt_in_source END,
        opt_in_proof = CASE WHEN m.needs_opt_in THEN coalesce(m.opt_in_proof, 'import ' || $4::text || ' line ' || m.line) ELSE c.opt_in_proof END,
        updated_at = now()
      FROM m
      WHERE c.id = m.contact_id AND m.changed AND NOT m.seen
      RETURNING c.id, m.needs_opt_in, c.opted_in_at, c.opt_in_source, c.opt_in_proof
    ), remember AS (
      INSERT INTO import_seen (id) SELECT contact_id FROM m WHERE contact_id IS NOT NULL AND NOT seen
    ), new_members AS (
      INSERT INTO list_members (list_id, contact_id)
      SELECT $1::uuid, id FROM ins WHERE $1::uuid IS NOT NULL
    ), known_members AS (
      INSERT INTO list_members (list_id, contact_id)
      SELECT $1::uuid, m.contact_id FROM m
      WHERE $1::uuid IS NOT NULL AND m.contact_id IS NOT NULL AND NOT m.seen
      ON CONFLICT (list_id, contact_id) DO NOTHING
    ), consent AS (
      INSERT INTO consent_events (contact_id, kind, source, proof, occurred_at)
      SELECT id, 'opt_in', opt_in_source, opt_in_proof, opted_in_at FROM upd WHERE needs_opt_in
      UNION ALL
      SELECT id, 'opt_out', '${ERASURE_SOURCE}', NULL, opted_out_at FROM ins WHERE opted_out_at IS NOT NULL
      UNION ALL
      SELECT id, 'marketing_opt_out', '${ERASURE_SOURCE}', NULL, marketing_opted_out_at FROM ins WHERE marketing_opted_out_at IS NOT NULL
    ), counts AS (
      SELECT (count(*) FILTER (WHERE contact_id IS NOT NULL AND NOT seen))::int AS updated,
             (count(*) FILTER (WHERE seen))::int AS seen_before,
             (count(*) FILTER (WHERE opted_out AND NOT seen))::int AS known_opted_out
      FROM m
    )
    SELECT $8::int AS staged, (SELECT count(*) FROM ins)::int AS inserted, updated, seen_before,
           known_opted_out + (SELECT count(*) FROM ins WHERE opted_out_at IS NOT NULL)::int AS opted_out
    FROM counts`;
}

export interface MergeChunkResult {
  staged: number;
  inserted: number;
  updated: number;
  seen_before: number;
  opted_out: number;
}

/** Drops stage tables (the run's own at its end, an abandoned run's leftovers at recovery). */
export function dropStageTables(tables: readonly string[]): string {
  return `DROP TABLE IF EXISTS ${tables.join(', ')}`;
}

export const TRY_LIVENESS_LOCK = `SELECT pg_try_advisory_lock(${IMPORT_LIVENESS_LOCK_CLASS}, hashtext($1)) AS locked`;
export const LIVENESS_LOCK = `SELECT pg_advisory_lock(${IMPORT_LIVENESS_LOCK_CLASS}, hashtext($1))`;
export const LIVENESS_UNLOCK = `SELECT pg_advisory_unlock(${IMPORT_LIVENESS_LOCK_CLASS}, hashtext($1))`;
