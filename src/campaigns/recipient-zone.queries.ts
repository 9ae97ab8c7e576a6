/**
 * At launch, for a campaign whose send window is in recipient-local time only: stores each pending
 * recipient's zone (recipient-zone.ts: the contact's `timezone` attribute when PostgreSQL knows it, else
 * the zone of the number's calling code when it has one, else the campaign's fallbackTimezone). Every
 * stored zone is one PostgreSQL knows (checked against pg_timezone_names, so the claim's AT TIME ZONE
 * cannot fail on it). Calling codes are prefix-free: of a number's first 1, 2 and 3 digits at most one
 * is a code, so three hash joins find it. $1 campaign, $2/$3 calling codes and their zones.
 */
export const RESOLVE_RECIPIENT_ZONES = `
  WITH known AS MATERIALIZED (SELECT DISTINCT name FROM pg_timezone_names),
  codes AS MATERIALIZED (
    SELECT k.code, k.zone FROM unnest($2::text[], $3::text[]) AS k(code, zone) JOIN known ON known.name = k.zone
  ),
  resolved AS (
    SELECT r.id, coalesce(own.name, k1.zone, k2.zone, k3.zone, c.send_window ->> 'fallbackTimezone') AS zone
    FROM campaign_recipients r
    JOIN campaigns c ON c.id = r.campaign_id AND c.send_window ->> 'timezone' = 'recipient'
    JOIN contacts ct ON ct.id = r.contact_id
    LEFT JOIN known own ON own.name = nullif(btrim(ct.attributes ->> 'timezone'), '')
    LEFT JOIN codes k1 ON k1.code = left(r.wa_id, 1)
    LEFT JOIN codes k2 ON k2.code = left(r.wa_id, 2)
    LEFT JOIN codes k3 ON k3.code = left(r.wa_id, 3)
    WHERE r.campaign_id = $1 AND r.status = 'pending'
  )
  UPDATE campaign_recipients r SET timezone = resolved.zone
  FROM resolved
  WHERE r.id = resolved.id`;

/** Whether the campaign's send window is in recipient-local time (else there is nothing to resolve). */
export const IS_RECIPIENT_LOCAL = `SELECT 1 FROM campaigns WHERE id = $1 AND send_window ->> 'timezone' = 'recipient'`;
