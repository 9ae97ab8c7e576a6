import type { DataSource, EntityManager } from 'typeorm';
import type { Audience, ResolvedAudience } from '../audiences/audience.js';
import { audienceContactsSql, parameterList } from '../audiences/audience.queries.js';
import type { AudienceGroup, ChargedGroup } from '../pricing/estimate-math.js';

/**
 * Reads of the estimate and the cost (reports/CostService). Recipients are grouped by the first 4
 * digits of their number (enough for every rate-card line), so no statement returns a row per person.
 * campaign_cost_counters is written by the trigger of migration CampaignCosts only.
 */

type Db = DataSource | EntityManager;

/** What the estimate needs of a campaign. */
export interface CostCampaign {
  id: string;
  status: string;
  channelId: string;
  /** null when the campaign names an `audience` instead of one list. */
  listId: string | null;
  audience: Audience | null;
  templateName: string;
  templateLanguage: string;
  /** Its audience is frozen into campaign_recipients (the launch ran). */
  launched: boolean;
}

export async function selectCostCampaign(db: Db, campaignId: string): Promise<CostCampaign | null> {
  const rows: Array<{ id: string; status: string; channel_id: string; list_id: string | null; audience: Audience | null; name: string; language: string; launched: boolean }> = await db.query(
    `SELECT c.id, c.status, c.channel_id, c.list_id, c.audience, c.template ->> 'name' AS name, c.template ->> 'language' AS language,
       (c.launched_at IS NOT NULL OR EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id)) AS launched
     FROM campaigns c WHERE c.id = $1`,
    [campaignId],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, status: row.status, channelId: row.channel_id, listId: row.list_id, audience: row.audience, templateName: row.name, templateLanguage: row.language, launched: row.launched };
}

/** The template's category in the channel's registry (lower case), or null when the registry does not list it. */
export async function selectTemplateCategory(db: Db, campaign: CostCampaign): Promise<string | null> {
  const rows: Array<{ category: string | null }> = await db.query(
    'SELECT lower(category) AS category FROM templates WHERE channel_id = $1 AND name = $2 AND language = $3',
    [campaign.channelId, campaign.templateName, campaign.templateLanguage],
  );
  return rows[0]?.category ?? null;
}

const IN_WINDOW = `coalesce(c.last_inbound_at > statement_timestamp() - interval '24 hours', false)`;

/**
 * The audience the launch would use, grouped: the campaign's list or `audience` (resolved, built by the
 * launch's own SQL: audiences/audience.queries.ts), without the contacts the launch skips for consent
 * (opted out, never opted in, stopped marketing for a MARKETING or unknown template:
 * recipient-launch.queries.ts). Contacts missing a placeholder value are counted (the launch skips them).
 */
export async function selectDraftAudience(db: Db, audience: ResolvedAudience, category: string | null): Promise<AudienceGroup[]> {
  const marketing = category === null || category === 'marketing';
  const { parameters, bind } = parameterList();
  const rows: Array<{ prefix: string; in_window: boolean; recipients: string }> = await db.query(
    `SELECT left(c.wa_id, 4) AS prefix, ${IN_WINDOW} AS in_window, count(*) AS recipients
     FROM (${audienceContactsSql(audience, bind)}) c
     WHERE c.opted_out_at IS NULL AND c.opted_in_at IS NOT NULL
       AND NOT (${bind(marketing)}::boolean AND c.marketing_opted_out_at IS NOT NULL)
     GROUP BY 1, 2`,
    parameters,
  );
  return rows.map((row) => ({ prefix: row.prefix, inWindow: row.in_window, recipients: Number(row.recipients) }));
}

/**
 * A launched campaign's recipients that will be sent to (counted at launch by the trigger), grouped;
 * with `windows`, those whose contact wrote in the last 24 h split off (read through the index on
 * last_inbound_at: only recent writers are visited).
 */
export async function selectLaunchedAudience(db: Db, campaignId: string, windows: boolean): Promise<AudienceGroup[]> {
  const counted: Array<{ prefix: string; recipients: string }> = await db.query(
    `SELECT prefix, sum(count) AS recipients FROM campaign_cost_counters WHERE campaign_id = $1 AND key = 'audience' GROUP BY prefix`,
    [campaignId],
  );
  const inWindow = new Map<string, number>();
  if (windows) {
    const rows: Array<{ prefix: string; recipients: string }> = await db.query(
      `SELECT left(r.wa_id, 4) AS prefix, count(*) AS recipients
       FROM contacts c JOIN campaign_recipients r ON r.campaign_id = $1 AND r.contact_id = c.id
       WHERE c.last_inbound_at > statement_timestamp() - interval '24 hours' AND r.status <> 'skipped'
       GROUP BY 1`,
      [campaignId],
    );
    for (const row of rows) inWindow.set(row.prefix, Number(row.recipients));
  }
  return counted.flatMap((row) => {
    const all = Number(row.recipients);
    const open = Math.min(all, inWindow.get(row.prefix) ?? 0);
    return [
      { prefix: row.prefix, inWindow: false, recipients: all - open },
      ...(open > 0 ? [{ prefix: row.prefix, inWindow: true, recipients: open }] : []),
    ].filter((group) => group.recipients > 0);
  });
}

/** The campaign's charged messages by stored pricing category and number prefix (the trigger's `charged:` counts). */
export async function selectChargedGroups(db: Db, campaignId: string): Promise<ChargedGroup[]> {
  const rows: Array<{ category: string; prefix: string; messages: string }> = await db.query(
    `SELECT substr(key, 9) AS category, prefix, sum(count) AS messages
     FROM campaign_cost_counters WHERE campaign_id = $1 AND key LIKE 'charged:%'
     GROUP BY key, prefix HAVING sum(count) <> 0`,
    [campaignId],
  );
  return rows.map((row) => ({ category: row.category, prefix: row.prefix, messages: Number(row.messages) }));
}
