import type { DataSource } from 'typeorm';
import type { SendWindow } from '../campaigns/send-window.js';
import type { Template } from '../whatsapp/types.js';

/** The sender's reads of campaigns and recipients; its writes go through the repositories. */

export interface RunningCampaign {
  id: string;
  channel_id: string;
  template: Template;
  send_window: SendWindow | null;
}

/**
 * The `wa_recipients_due` gauge: pending recipients of running campaigns whose next attempt time has
 * come (a closed send window holds them back too), per channel. Counted per running campaign by an
 * index-only walk of the partial due index (pending rows only, no heap, no sort): about 30 ms per
 * 100,000 due recipients here; sent and finished recipients cost nothing.
 */
const RECIPIENTS_DUE = `
  SELECT c.channel_id, sum(d.due)::int AS due
  FROM campaigns c
  CROSS JOIN LATERAL (
    SELECT count(*) AS due FROM campaign_recipients r
    WHERE r.campaign_id = c.id AND r.status = 'pending' AND r.next_attempt_at <= now()
  ) d
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL
  GROUP BY c.channel_id`;

/** Running, launched campaigns with their channel: what the sender works on. */
const RUNNING_CAMPAIGNS = `
  SELECT c.id, c.channel_id, c.template, c.send_window
  FROM campaigns c
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL`;

export async function selectRecipientsDue(dataSource: DataSource): Promise<Array<{ channel_id: string; due: number }>> {
  return (await dataSource.query(RECIPIENTS_DUE)) as Array<{ channel_id: string; due: number }>;
}

export async function selectRunningCampaigns(dataSource: DataSource): Promise<RunningCampaign[]> {
  return (await dataSource.query(RUNNING_CAMPAIGNS)) as RunningCampaign[];
}
