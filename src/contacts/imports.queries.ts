import { isUuid } from '../common/ids.js';

/**
 * SQL of the imports table (ImportsRepository, its only writer): status changes of an import, its live
 * progress, and its rejects (import_errors) for the API. Parameters are always bound ($n), except in the
 * upload's COPY (uploadChunkCopy), which takes none and gets checked values instead.
 */

export const SAVE_IMPORT_PROGRESS = `
  UPDATE imports SET total_rows = $2, imported = $3, updated = $4, duplicates = $5, rejected = $6, opted_out = $7, bytes_read = $8
  WHERE id = $1`;

/** Each start counts: an import whose runs keep ending with their engine is failed after a few (recovery). */
export const START_IMPORT = `UPDATE imports SET status = 'running', started_at = now(), attempts = attempts + 1 WHERE id = $1 AND status = 'queued'`;

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

/** One chunk of an upload, written as it streams in (before the import row exists: no foreign key). */
export const SAVE_UPLOAD_CHUNK = `INSERT INTO import_upload_chunks (import_id, seq, data) VALUES ($1, $2, $3)`;

/**
 * The run reads the upload chunk by chunk, in order; no row: the upload has ended. Through a binary COPY
 * (database/copy.ts copyOutValue): the stored bytes as they are, where a SELECT would send bytea as hex
 * or base64 text for both sides to build and decode (a tenth of the Node process's import work). COPY
 * takes no parameters: the id is checked to be a UUID and the chunk number an integer first.
 */
export function uploadChunkCopy(importId: string, seq: number): string {
  if (!isUuid(importId) || !Number.isSafeInteger(seq) || seq < 0) throw new Error(`bad upload chunk ${importId} ${seq}`);
  return `COPY (SELECT data FROM import_upload_chunks WHERE import_id = '${importId}' AND seq = ${seq}) TO STDOUT (FORMAT binary)`;
}

export const HAS_UPLOAD = `SELECT EXISTS (SELECT 1 FROM import_upload_chunks WHERE import_id = $1 AND seq = 0) AS found`;

/** A refused, completed or failed upload leaves nothing behind. */
export const DELETE_UPLOAD = `DELETE FROM import_upload_chunks WHERE import_id = $1`;

/**
 * Chunks of uploads that never became an import (the receiving instance died mid-upload, or could not
 * remove a refused one) once nothing has been written to them for $1 seconds.
 */
export const DELETE_ORPHAN_UPLOADS = `
  DELETE FROM import_upload_chunks u
  WHERE u.import_id IN (
    SELECT import_id FROM import_upload_chunks GROUP BY import_id HAVING max(created_at) < now() - make_interval(secs => $1)
  ) AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = u.import_id)`;

/**
 * An import abandoned by a stopped engine goes back to the queue for the instance that holds its liveness
 * lock now (recovery): its run starts again from the upload's first chunk, with its counters at zero.
 */
export const REQUEUE_IMPORT = `
  UPDATE imports SET status = 'queued', started_at = NULL, total_rows = 0, imported = 0, updated = 0, duplicates = 0,
         rejected = 0, opted_out = 0, bytes_read = 0
  WHERE id = $1 AND status IN ('queued', 'running')`;
