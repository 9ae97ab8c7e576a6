/**
 * Hand-written SQL of the report's engagement and A/B variants, and of the replies listing. Counts read
 * the partial indexes of migration CampaignRepliesAndVariants (only the recipients that answered, never
 * the whole campaign); the per-variant summary groups an A/B test's recipients (one pass over them, only
 * for campaigns with variants).
 */
import type { DataSource } from 'typeorm';
import type { CampaignVariant } from '../campaigns/variants.js';
import type { ButtonCount, VariantStatusRow } from './engagement-math.js';

export interface EngagementRow {
  replied: number;
  clicked: number;
  opted_out: number;
  /** Per (payload, text): distinct recipients who tapped it. */
  buttons: ButtonCount[];
  variants: CampaignVariant[] | null;
  winner_variant: string | null;
  winner_picked_at: Date | null;
}

const ENGAGEMENT_SQL = `
  SELECT
    (SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND replied_at IS NOT NULL)::int AS replied,
    (SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND clicked_button IS NOT NULL)::int AS clicked,
    (SELECT count(*) FROM campaign_recipients WHERE campaign_id = $1 AND opted_out_at IS NOT NULL)::int AS opted_out,
    (SELECT coalesce(json_agg(json_build_object('payload', b.payload, 'text', b.text, 'count', b.count) ORDER BY b.count DESC, b.payload, b.text), '[]'::json)
      FROM (
        SELECT button_payload AS payload, button_text AS text, count(DISTINCT recipient_id)::int AS count
        FROM campaign_replies WHERE campaign_id = $1 AND button_kind IS NOT NULL
        GROUP BY button_payload, button_text
      ) b) AS buttons,
    c.variants, c.winner_variant, c.winner_picked_at
  FROM campaigns c WHERE c.id = $1`;

export async function selectEngagement(dataSource: DataSource, campaignId: string): Promise<EngagementRow | null> {
  const rows: EngagementRow[] = await dataSource.query(ENGAGEMENT_SQL, [campaignId]);
  return rows[0] ?? null;
}

/** An A/B test's recipients per (variant, status) with their milestones and engagement; held ones (no variant yet) are left out. */
export async function selectVariantRows(dataSource: DataSource, campaignId: string): Promise<VariantStatusRow[]> {
  return dataSource.query(
    `SELECT variant, status, count(*)::int AS count, count(sent_at)::int AS sent, count(delivered_at)::int AS delivered,
       count(read_at)::int AS read, count(replied_at)::int AS replied, count(clicked_button)::int AS clicked, count(opted_out_at)::int AS opted_out
     FROM campaign_recipients WHERE campaign_id = $1 AND variant IS NOT NULL
     GROUP BY variant, status`,
    [campaignId],
  );
}

/** Buttons per variant (distinct recipients per button). */
export async function selectVariantButtons(dataSource: DataSource, campaignId: string): Promise<Array<ButtonCount & { variant: string }>> {
  return dataSource.query(
    `SELECT r.variant, p.button_payload AS payload, p.button_text AS text, count(DISTINCT p.recipient_id)::int AS count
     FROM campaign_replies p JOIN campaign_recipients r ON r.id = p.recipient_id
     WHERE p.campaign_id = $1 AND p.button_kind IS NOT NULL AND r.variant IS NOT NULL
     GROUP BY r.variant, p.button_payload, p.button_text
     ORDER BY count DESC, payload, text`,
    [campaignId],
  );
}

export interface ReplyRow {
  id: string;
  recipient_id: string;
  phone: string;
  message_id: string;
  type: string;
  text: string | null;
  button_kind: string | null;
  button_payload: string | null;
  button_text: string | null;
  attribution: 'context' | 'recent';
  opt_out: boolean;
  received_at: Date;
  variant: string | null;
}

/** One page of a campaign's replies after `afterId`, in id order (ix_campaign_replies_campaign_id). */
export async function selectReplyPage(dataSource: DataSource, campaignId: string, afterId: string, limit: number): Promise<ReplyRow[]> {
  return dataSource.query(
    `SELECT p.id::text AS id, p.recipient_id::text AS recipient_id, p.phone, p.message_id, p.type, p.text, p.button_kind, p.button_payload,
       p.button_text, p.attribution, p.opt_out, p.received_at, r.variant
     FROM campaign_replies p JOIN campaign_recipients r ON r.id = p.recipient_id
     WHERE p.campaign_id = $1 AND p.id > $2::bigint
     ORDER BY p.id LIMIT $3`,
    [campaignId, afterId, limit],
  );
}
