import type { Template } from '../whatsapp/types.js';
import type { ResolvedAudience } from '../audiences/audience.js';
import { audienceContactsSql, consentSkipCases, isMarketingTemplateSql } from '../audiences/audience.queries.js';
import { CONTACT_COLUMNS, findPlaceholderSlots, type Segment } from './placeholders.js';

/**
 * SQL of campaign_recipients for the launch and the user's actions (RecipientsRepository, the table's
 * only writer): freezing a campaign's audience, cancelling what was not sent, re-queueing failures.
 */

/** A campaign whose audience is frozen now: its audience (`oneList(listId)` for a list), channel and template. */
export interface RecipientLaunch {
  campaignId: string;
  channelId: string;
  audience: ResolvedAudience;
  template: Template;
  /**
   * An A/B test: the marketing opt-out is judged per recipient by its own variant's template right after
   * (recipient-variants.queries.ts: at assignment, and for held recipients when the winner is picked),
   * so the launch does not skip by the first variant's category.
   */
  marketingByVariant?: boolean;
}

/** SQL for one launch: freeze the list into recipients, rendering placeholders in the same statement. */
export interface LaunchStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Builds `INSERT … SELECT` over the campaign's audience: the contacts it selects (audiences/audience.queries.ts,
 * the same SQL the preview counts) are the subquery `c`, one row per contact. Every string of the template that holds
 * placeholders becomes a SQL expression over the contact (column or attribute), written into the
 * stored components with jsonb_set; a placeholder with no value and no fallback makes the recipient
 * `skipped` with `missing_parameter:<field>`. Opted-out and never-opted-in members are kept as
 * `skipped` with their reason, so the report accounts for every contact of the audience. A contact that
 * stopped marketing messages (marketing_opted_out_at: WhatsApp's 131050 or user_preferences) is
 * `skipped` with `marketing_opted_out` when the template is MARKETING by the channel's template registry
 * — or unknown to it (the safer guess).
 */
export function buildLaunchStatement(launch: RecipientLaunch): LaunchStatement {
  const { template } = launch;
  const parameters: unknown[] = [launch.campaignId, launch.channelId];
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

  const isMarketing = launch.marketingByVariant ? 'false' : isMarketingTemplateSql('$2', template, bind);

  const audience = audienceContactsSql(launch.audience, bind);
  const sql = `
    INSERT INTO campaign_recipients
      (campaign_id, channel_id, contact_id, phone, wa_id, components, status, skip_reason, next_attempt_at)
    SELECT $1, $2, c.id, c.phone, c.wa_id,
           CASE WHEN eligibility.skip_reason IS NULL THEN ${components} END,
           CASE WHEN eligibility.skip_reason IS NULL THEN 'pending' ELSE 'skipped' END,
           eligibility.skip_reason,
           now()
    FROM (${audience}) c
    CROSS JOIN LATERAL (
      SELECT CASE
        ${consentSkipCases(isMarketing)}
        ${missingCases.join('\n        ')}
      END AS skip_reason
    ) eligibility
    ON CONFLICT (campaign_id, contact_id) DO NOTHING`;
  return { sql, parameters };
}

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
  SET status = 'pending', attempts = 0, marketing_limit_retries = 0, next_attempt_at = now(), error_code = NULL, error_title = NULL,
      failed_at = NULL, waiting_reason = NULL, message_id = NULL, sent_at = NULL, delivered_at = NULL, read_at = NULL,
      pricing_category = NULL, pricing_model = NULL, pricing_type = NULL, billable = NULL
  WHERE campaign_id = $1 AND status = 'failed' AND (error_code IS NULL OR error_code = ANY($2::int[]))`;
