import type { DataSource } from 'typeorm';
import type { SendWindow } from '../campaigns/send-window.js';
import type { CampaignVariant } from '../campaigns/variants.js';
import type { Template } from '../whatsapp/types.js';

/** The sender's reads of campaigns and recipients; its writes go through the repositories. */

export interface RunningCampaign {
  id: string;
  channel_id: string;
  template: Template;
  send_window: SendWindow | null;
  /** An A/B test's variants (each recipient is sent its own variant's template). */
  variants: CampaignVariant[] | null;
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

/** Running, launched campaigns with their channel: what the sender works on. */
const RUNNING_CAMPAIGNS = `
  SELECT c.id, c.channel_id, c.template, c.send_window, c.variants
  FROM campaigns c
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL`;

export async function selectRecipientsDue(dataSource: DataSource): Promise<Array<{ channel_id: string; due: number }>> {
  return (await dataSource.query(RECIPIENTS_DUE)) as Array<{ channel_id: string; due: number }>;
}

export async function selectRunningCampaigns(dataSource: DataSource): Promise<RunningCampaign[]> {
  return (await dataSource.query(RUNNING_CAMPAIGNS)) as RunningCampaign[];
}
