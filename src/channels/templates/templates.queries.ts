/** SQL of the templates table (TemplatesRepository, its only writer): the registry sync. */

/** One sync of a channel's registry at a time: the counts of two overlapping syncs would both be wrong. */
export const LOCK_CHANNEL_TEMPLATES = `SELECT pg_advisory_xact_lock(hashtextextended('templates:' || $1::text, 0))`;

/**
 * Inserts or updates every listed template ($2: a JSON array of rows), stamping `synced_at` = $3, and
 * says per row whether it was added, changed (status, category, parameter format, namespace or
 * parameters differ) or the same. The previous values are read in the same statement (the CTE sees
 * the table as it was before it), so the outcome is exact. Reason and external id are the webhooks'
 * and stay as they are.
 */
export const UPSERT_TEMPLATES = `
  WITH listed AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb)
      AS t(name text, language text, status text, category text, parameter_format text, namespace text, components jsonb)
  ),
  previous AS (
    SELECT p.name, p.language, p.status, p.category, p.parameter_format, p.namespace, p.components
    FROM templates p WHERE p.channel_id = $1
  ),
  written AS (
    INSERT INTO templates (channel_id, name, language, status, category, parameter_format, namespace, components, synced_at)
    SELECT $1, l.name, l.language, l.status, l.category, l.parameter_format, l.namespace, l.components, $3 FROM listed l
    ON CONFLICT (channel_id, name, language) DO UPDATE SET
      status = excluded.status, category = excluded.category, parameter_format = excluded.parameter_format,
      namespace = excluded.namespace, components = excluded.components, synced_at = excluded.synced_at,
      updated_at = CASE
        WHEN (templates.status, templates.category, templates.parameter_format, templates.namespace, templates.components)
          IS DISTINCT FROM (excluded.status, excluded.category, excluded.parameter_format, excluded.namespace, excluded.components)
        THEN now() ELSE templates.updated_at END
    RETURNING name, language, status, category, parameter_format, namespace, components
  )
  SELECT CASE
    WHEN p.name IS NULL THEN 'added'
    WHEN (p.status, p.category, p.parameter_format, p.namespace, p.components)
      IS DISTINCT FROM (w.status, w.category, w.parameter_format, w.namespace, w.components) THEN 'changed'
    ELSE 'same' END AS outcome
  FROM written w LEFT JOIN previous p ON p.name = w.name AND p.language = w.language`;

/** Templates the listing ($2, the same JSON rows) no longer names: deleted at WhatsApp, so gone here. */
export const DELETE_TEMPLATES_NOT_LISTED = `
  DELETE FROM templates t WHERE t.channel_id = $1
    AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS l(name text, language text) WHERE l.name = t.name AND l.language = t.language)`;
