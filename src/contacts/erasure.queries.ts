/**
 * SQL of contact edits and erasure (ContactsRepository). Parameters are always bound ($n).
 */

/**
 * $1 id, $2 first name, $3 last name, $4 language (each: NULL keeps, '' clears), $5 attributes to merge
 * (jsonb; NULL keeps), $6 attribute keys to remove (text[]).
 */
export const UPDATE_CONTACT_PROFILE = `
  UPDATE contacts SET
    first_name = CASE WHEN $2::text IS NULL THEN first_name ELSE nullif($2::text, '') END,
    last_name = CASE WHEN $3::text IS NULL THEN last_name ELSE nullif($3::text, '') END,
    language = CASE WHEN $4::text IS NULL THEN language ELSE nullif($4::text, '') END,
    attributes = (attributes || coalesce($5::jsonb, '{}'::jsonb)) - $6::text[],
    updated_at = now()
  WHERE id = $1::bigint`;

/**
 * Erasure keeps only what keeps an opted-out person opted out: the keyed hash of the number with when
 * they opted out (nothing is kept for a person who had not). $1 id, $2 hash.
 */
export const REMEMBER_ERASED_OPT_OUT = `
  INSERT INTO contact_erasures (phone_hash, opted_out_at, marketing_opted_out_at)
  SELECT $2::bytea, c.opted_out_at, c.marketing_opted_out_at FROM contacts c
  WHERE c.id = $1::bigint AND (c.opted_out_at IS NOT NULL OR c.marketing_opted_out_at IS NOT NULL)
  ON CONFLICT (phone_hash) DO UPDATE SET
    opted_out_at = coalesce(contact_erasures.opted_out_at, EXCLUDED.opted_out_at),
    marketing_opted_out_at = coalesce(contact_erasures.marketing_opted_out_at, EXCLUDED.marketing_opted_out_at),
    erased_at = now()`;

/** The person's rows: history, memberships, the contact itself (no foreign keys: each goes explicitly). */
export const DELETE_CONTACT_CONSENT_EVENTS = `DELETE FROM consent_events WHERE contact_id = $1::bigint`;
export const DELETE_CONTACT_MEMBERSHIPS = `DELETE FROM list_members WHERE contact_id = $1::bigint`;
export const DELETE_CONTACT = `DELETE FROM contacts WHERE id = $1::bigint`;

/** Whether any erased number is remembered (the import skips the hash when none is). */
export const ANY_ERASURE = `SELECT EXISTS (SELECT 1 FROM contact_erasures) AS found`;
