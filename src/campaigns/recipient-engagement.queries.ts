/**
 * Engagement writes of campaign_recipients, run only through RecipientsRepository (section
 * Engagement): what a reply, a click or an opt-out after a campaign message leaves on its recipient.
 */

/**
 * Replies recorded now (RepliesRepository), aggregated per recipient ($1 ids, $2 times, $3 buttons,
 * $4 opt-out flags): the first reply wins (least: an earlier one arriving late still wins), the first
 * click wins (a button already kept stays), and an opt-out keyword stamps opted_out_at. Idempotent:
 * repeating the same replies changes nothing. Call lockForStatuses with the ids first (id order).
 */
export const RECORD_ENGAGEMENT = `
  WITH e AS (
    SELECT id, min(at) AS replied_at,
      (array_agg(button ORDER BY at) FILTER (WHERE button IS NOT NULL))[1] AS button,
      min(at) FILTER (WHERE opt_out) AS opted_out_at
    FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::boolean[]) AS u(id, at, button, opt_out)
    GROUP BY id
  )
  UPDATE campaign_recipients r SET
    replied_at = least(r.replied_at, e.replied_at),
    clicked_button = coalesce(r.clicked_button, e.button),
    opted_out_at = least(r.opted_out_at, e.opted_out_at)
  FROM e
  WHERE r.id = e.id`;

/**
 * WhatsApp's 131050 (the person stopped marketing messages) on a message: the opt-out happened after
 * the campaign message sent to that person before it on that channel within the attribution window
 * ($5 hours; a minute of skew tolerated between this engine's sent_at and WhatsApp's whole-second
 * timestamp), so that recipient (not the failing one, $4) gets opted_out_at — first one wins.
 * $1 channels, $2 wa_ids, $3 times, $4 the failing recipients.
 */
export const ATTRIBUTE_MARKETING_OPT_OUTS = `
  WITH target AS (
    SELECT DISTINCT ON (t.id) t.id, u.at
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[]) AS u(channel_id, wa_id, at, failing_id)
    CROSS JOIN LATERAL (
      SELECT r.id FROM campaign_recipients r
      WHERE r.channel_id = u.channel_id AND r.wa_id = u.wa_id AND r.sent_at IS NOT NULL AND r.id <> u.failing_id
        AND r.sent_at <= u.at + interval '60 seconds' AND r.sent_at > u.at - make_interval(secs => $5::float8 * 3600)
      ORDER BY r.sent_at DESC
      LIMIT 1
    ) t
    ORDER BY t.id, u.at
  )
  UPDATE campaign_recipients r SET opted_out_at = least(r.opted_out_at, target.at)
  FROM target
  WHERE r.id = target.id AND (r.opted_out_at IS NULL OR r.opted_out_at > target.at)`;
