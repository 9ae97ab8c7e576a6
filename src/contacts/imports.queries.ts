/**
 * SQL of the imports table (ImportsRepository, its only writer): status changes of an import, its live
 * progress, and its rejects (import_errors) for the API. Parameters are always bound ($n).
 */

export const SAVE_IMPORT_PROGRESS = `
  UPDATE imports SET total_rows = $2, imported = $3, updated = $4, duplicates = $5, rejected = $6, opted_out = $7, bytes_read = $8
  WHERE id = $1`;

export const START_IMPORT = `UPDATE imports SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'`;

/** Only a running import completes: one another engine declared failed stays failed (the writer then rolls back). */
export const COMPLETE_IMPORT = `
  UPDATE imports SET status = 'completed', list_id = $2, total_rows = $3, imported = $4, updated = $5, duplicates = $6,
         rejected = $7, opted_out = $8, bytes_read = $9, failure_reason = NULL, finished_at = clock_timestamp()
  WHERE id = $1 AND status = 'running'`;

/** Nothing of a failed import was written: its write counters go back to zero; rows read and rejects stay. */
export const FAIL_IMPORT = `
  UPDATE imports SET status = 'failed', failure_reason = $2, imported = 0, updated = 0, duplicates = 0, opted_out = 0,
         total_rows = coalesce($3, total_rows), rejected = coalesce($4, rejected), finished_at = clock_timestamp()
  WHERE id = $1 AND status IN ('queued', 'running')`;

/** Imports left queued or running by an engine that stopped (nobody holds their liveness lock). */
export const UNFINISHED_IMPORTS = `
  SELECT id FROM imports WHERE status IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1)`;

/** First rejects of an import, for the JSON status. */
export const FIRST_IMPORT_ERRORS = `
  SELECT line, value, reason FROM import_errors WHERE import_id = $1 ORDER BY line, id LIMIT $2`;

/** All rejects in pages (keyset on line, id), for errors.csv. */
export const IMPORT_ERRORS_PAGE = `
  SELECT id::text AS id, line, value, reason FROM import_errors
  WHERE import_id = $1 AND (line, id) > ($2::int, $3::bigint)
  ORDER BY line, id LIMIT $4`;
