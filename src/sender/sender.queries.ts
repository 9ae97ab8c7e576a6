import type { DataSource } from 'typeorm';
import type { FrequencyCap } from '../campaigns/frequency-cap.js';
import type { SendWindow } from '../campaigns/send-window.js';
import type { CampaignVariant } from '../campaigns/variants.js';
import type { Template } from '../whatsapp/types.js';

/** The sender's reads of campaigns and recipients; its writes go through the repositories. */

export interface RunningCampaign {
  id: string;
  channel_id: string;
  template: Template;
  send_window: SendWindow | null;
  /** The template's category in the registry (MARKETING, UTILITY, …); null when the registry does not know it. */
  template_category: string | null;
  /** Meta's message_send_ttl_seconds for Marketing Messages API sends; null: Meta's default. */
  ttl_seconds: number | null;
  /** The campaign's own frequency cap (null: MARKETING_FREQUENCY_CAP). */
  frequency_cap: FrequencyCap | null;
  /** The template is MARKETING by the channel's registry, or unknown to it (the safer guess, as at launch). */
  marketing: boolean;
  /** An A/B test's variants (each recipient is sent its own variant's template). */
  variants: CampaignVariant[] | null;
  /** An A/B test: each variant's template category in the registry (null: unknown to it), by variant name. */
  variant_categories: Record<string, string | null> | null;
}

/**
 * The `wa_recipients_due` gauge: pending recipients of running campaigns whose next attempt time has
 * come, plus those a closed send window holds back (they wait for its opening), per channel. Counted
 * per running campaign by index-only walks of the partial due index (pending rows only, no heap, no
 * sort) and of the waiting index for the send window: about 30 ms per 100,000 due recipients here;
 * sent and finished recipients cost nothing.
 */
const RECIPIENTS_DUE = `
  SELECT c.channel_id, sum(d.due + w.waiting)::int AS due
  FROM campaigns c
  CROSS JOIN LATERAL (
    SELECT count(*) AS due FROM campaign_recipients r
    WHERE r.campaign_id = c.id AND r.status = 'pending' AND r.next_attempt_at <= now()
  ) d
  CROSS JOIN LATERAL (
    SELECT count(*) AS waiting FROM campaign_recipients r
    WHERE r.campaign_id = c.id AND r.status = 'pending' AND r.waiting_reason = 'send_window' AND r.next_attempt_at > now()
  ) w
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL
  GROUP BY c.channel_id`;

/**
 * Running, launched campaigns with their channel: what the sender works on. The category comes from the
 * template registry (one row per channel, name and language: uq_templates_channel_name_language); an
 * A/B test's variants each have their own (variant_categories).
 */
const RUNNING_CAMPAIGNS = `
  SELECT c.id, c.channel_id, c.template, c.send_window, c.ttl_seconds, t.category AS template_category, c.frequency_cap,
    coalesce(upper(t.category), 'MARKETING') = 'MARKETING' AS marketing, c.variants,
    (SELECT jsonb_object_agg(v->>'name', vt.category)
     FROM jsonb_array_elements(c.variants) v
     LEFT JOIN templates vt ON vt.channel_id = c.channel_id AND vt.name = v->'template'->>'name' AND vt.language = v->'template'->>'language'
    ) AS variant_categories
  FROM campaigns c
  LEFT JOIN templates t ON t.channel_id = c.channel_id AND t.name = c.template->>'name' AND t.language = c.template->>'language'
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL`;

export async function selectRecipientsDue(dataSource: DataSource): Promise<Array<{ channel_id: string; due: number }>> {
  return (await dataSource.query(RECIPIENTS_DUE)) as Array<{ channel_id: string; due: number }>;
}

export async function selectRunningCampaigns(dataSource: DataSource): Promise<RunningCampaign[]> {
  return (await dataSource.query(RUNNING_CAMPAIGNS)) as RunningCampaign[];
}
