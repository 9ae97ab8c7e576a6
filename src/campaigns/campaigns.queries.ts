import type { Template } from '../whatsapp/types.js';
import { CONTACT_COLUMNS, findPlaceholderSlots, type Segment } from './placeholders.js';

/** SQL for one launch: freeze the list into recipients, rendering placeholders in the same statement. */
export interface LaunchStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Builds `INSERT … SELECT` over the campaign's list. Every string of the template that holds
 * placeholders becomes a SQL expression over the contact (column or attribute), written into the
 * stored components with jsonb_set; a placeholder with no value and no fallback makes the recipient
 * `skipped` with `missing_parameter:<field>`. Opted-out and never-opted-in members are kept as
 * `skipped` with their reason, so the report accounts for every member of the list.
 */
export function buildLaunchStatement(campaignId: string, channelId: string, listId: string, template: Template): LaunchStatement {
  const parameters: unknown[] = [campaignId, channelId, listId];
  const bind = (value: unknown): string => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  const fieldValue = (field: string): string =>
    (CONTACT_COLUMNS as readonly string[]).includes(field)
      ? `nullif(btrim(c.${field}), '')`
      : `nullif(btrim(c.attributes ->> ${bind(field)}::text), '')`;
  const segmentSql = (segment: Segment): string => {
    if ('literal' in segment) return `${bind(segment.literal)}::text`;
    const value = fieldValue(segment.field);
    return segment.fallback === null ? value : `coalesce(${value}, ${bind(segment.fallback)}::text)`;
  };

  const slots = findPlaceholderSlots(template.components);
  let components = 'NULL::jsonb';
  if (slots.length > 0) {
    components = `${bind(JSON.stringify(template.components))}::jsonb`;
    for (const slot of slots) {
      const text = `concat(${slot.segments.map(segmentSql).join(', ')})`;
      components = `jsonb_set(${components}, ${bind(slot.path.map(String))}::text[], to_jsonb(${text}))`;
    }
  }

  const requiredFields = [...new Set(slots.flatMap((slot) => slot.segments.flatMap((s) => ('field' in s && s.fallback === null ? [s.field] : []))))];
  const missingCases = requiredFields.map((field) => `WHEN ${fieldValue(field)} IS NULL THEN ${bind(`missing_parameter:${field}`)}::text`);

  const sql = `
    INSERT INTO campaign_recipients
      (campaign_id, channel_id, contact_id, phone, wa_id, components, status, skip_reason, next_attempt_at)
    SELECT $1, $2, c.id, c.phone, c.wa_id,
           CASE WHEN eligibility.skip_reason IS NULL THEN ${components} END,
           CASE WHEN eligibility.skip_reason IS NULL THEN 'pending' ELSE 'skipped' END,
           eligibility.skip_reason,
           now()
    FROM list_members m
    JOIN contacts c ON c.id = m.contact_id
    CROSS JOIN LATERAL (
      SELECT CASE
        WHEN c.opted_out_at IS NOT NULL THEN 'opted_out'
        WHEN c.opted_in_at IS NULL THEN 'not_opted_in'
        ${missingCases.join('\n        ')}
      END AS skip_reason
    ) eligibility
    WHERE m.list_id = $3
    ON CONFLICT (campaign_id, contact_id) DO NOTHING`;
  return { sql, parameters };
}

/**
 * Due campaigns, locked so that no other instance launches the same one. A campaign resumed from
 * paused after its time passed is `running` without an audience yet: it is launched too. $1: ids this
 * instance is backing off from after a failed launch (they would otherwise come first every time).
 */
export const CLAIM_DUE_CAMPAIGNS = `
  SELECT id, channel_id, list_id, template FROM campaigns
  WHERE ((status = 'scheduled' AND scheduled_at <= now()) OR (status = 'running' AND launched_at IS NULL))
    AND NOT (id = ANY($1::uuid[]))
  ORDER BY scheduled_at NULLS FIRST
  LIMIT 1
  FOR UPDATE SKIP LOCKED`;

/**
 * Campaigns that would run (or launch now) on a paused channel: the sender does not touch a paused
 * channel, so they would stay `running` and silent. They are paused instead, naming the channel and
 * its reason (a bad key or payment problem pauses the channel with it); resume is refused until the
 * channel is back (campaigns.service.ts).
 */
export const PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS = `
  UPDATE campaigns c SET status = 'paused',
    paused_reason = 'channel "' || ch.name || '" is paused: ' || ch.paused_reason, updated_at = now()
  FROM channels ch
  WHERE ch.id = c.channel_id AND ch.paused_reason IS NOT NULL
    AND (c.status = 'running' OR (c.status = 'scheduled' AND c.scheduled_at <= now()))
  RETURNING c.id, c.paused_reason`;

/** A campaign whose launch cannot succeed: failed, with the reason GET and the report show. */
export const MARK_LAUNCH_FAILED = `
  UPDATE campaigns SET status = 'failed', failure_reason = $2, updated_at = now()
  WHERE id = $1 AND launched_at IS NULL AND status IN ('scheduled', 'running')`;

/** Running campaigns with nothing left to send or waiting, judged from the counters (no scan). */
export const COMPLETE_FINISHED_CAMPAIGNS = `
  UPDATE campaigns c SET status = 'completed', completed_at = now(), updated_at = now()
  WHERE c.status = 'running' AND c.launched_at IS NOT NULL
    AND NOT EXISTS (
      SELECT 1 FROM campaign_counters k
      WHERE k.campaign_id = c.id AND k.key IN ('pending', 'sending')
      GROUP BY k.campaign_id HAVING sum(k.count) > 0
    )
  RETURNING c.id`;

export const CANCEL_UNSENT_RECIPIENTS = `
  UPDATE campaign_recipients SET status = 'cancelled', next_attempt_at = now(), waiting_reason = NULL
  WHERE campaign_id = $1 AND status = 'pending'`;

/**
 * Failed recipients whose error says a later try can succeed (no code = no answer at all). The
 * failed message's id and milestones go too: the retry is a new message, and the send answer keeps
 * a message id already present (a status may arrive first), so an old one would hide the new one.
 */
export const REQUEUE_RETRYABLE_FAILURES = `
  UPDATE campaign_recipients
  SET status = 'pending', attempts = 0, next_attempt_at = now(), error_code = NULL, error_title = NULL,
      failed_at = NULL, waiting_reason = NULL, message_id = NULL, sent_at = NULL, delivered_at = NULL, read_at = NULL
  WHERE campaign_id = $1 AND status = 'failed' AND (error_code IS NULL OR error_code = ANY($2::int[]))`;

export const MARK_LAUNCHED = `
  UPDATE campaigns SET status = 'running', launched_at = now(), started_at = coalesce(started_at, now()), updated_at = now()
  WHERE id = $1`;
