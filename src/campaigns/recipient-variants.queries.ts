/**
 * A/B variant writes of campaign_recipients at launch and when the winner is picked (variants.ts), run
 * only through RecipientsRepository (section A/B variants). They follow the launch's INSERT in the same
 * transaction, so the sender never sees a recipient without its variant's components.
 */
import type { Template } from '../whatsapp/types.js';
import { CONTACT_COLUMNS, findPlaceholderSlots, type Segment } from './placeholders.js';
import { AB_TEST_WAIT } from './variants.js';

export interface SqlStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * Gives every launched recipient of the campaign ($1) its variant: bucket = a 64-bit hash of
 * (campaign id, contact id) modulo 10,000 (deterministic: the same contact always lands in the same
 * bucket of this campaign). Buckets below $4 are the test, split by the cumulative bounds $3 of the
 * variants $2 (variants.ts variantOfBucket); the others (a winner rule's non-test share) keep variant
 * NULL and, while pending, are held: waiting_reason `ab_test`, not due until the winner is picked
 * (a far-future next_attempt_at, so no claim, send-window or messaging-limit statement touches them).
 */
export const ASSIGN_VARIANTS = `
  UPDATE campaign_recipients r SET
    variant = v.name,
    waiting_reason = CASE WHEN v.name IS NULL AND r.status = 'pending' THEN '${AB_TEST_WAIT}' ELSE r.waiting_reason END,
    next_attempt_at = CASE WHEN v.name IS NULL AND r.status = 'pending' THEN timestamptz '9999-12-31 00:00:00+00' ELSE r.next_attempt_at END
  FROM (
    SELECT x.id, CASE WHEN x.bucket < $4::int THEN (
      SELECT b.name FROM unnest($2::text[], $3::int[]) AS b(name, bound)
      WHERE (x.bucket * 10000 / $4::int) < b.bound ORDER BY b.bound LIMIT 1
    ) END AS name
    FROM (
      SELECT r2.id, (((hashtextextended(r2.campaign_id::text || ':' || r2.contact_id::text, 0) % 10000) + 10000) % 10000)::int AS bucket
      FROM campaign_recipients r2 WHERE r2.campaign_id = $1
    ) x
  ) v
  WHERE r.id = v.id`;

/**
 * Renders one variant's template into its recipients' components (placeholders as at launch: contact
 * columns or attributes, with fallbacks); a pending recipient missing a required value becomes
 * `skipped` with `missing_parameter:<field>`, one whose contact stopped marketing messages `skipped`
 * with `marketing_opted_out` when this template is MARKETING (or unknown) in the channel's registry.
 * - scope `assigned`: the recipients given this variant at launch (pending ones);
 * - scope `held`: the recipients held for the winner (variant NULL) get this variant; the pending
 *   ones stop waiting and are due now.
 */
export function buildRenderVariantStatement(input: { campaignId: string; channelId: string; variant: string; template: Template; scope: 'assigned' | 'held' }): SqlStatement {
  const parameters: unknown[] = [input.campaignId, input.channelId, input.variant];
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
  const slots = findPlaceholderSlots(input.template.components);
  let components = `${bind(JSON.stringify(input.template.components))}::jsonb`;
  if (slots.length === 0) components = 'NULL::jsonb';
  for (const slot of slots) {
    components = `jsonb_set(${components}, ${bind(slot.path.map(String))}::text[], to_jsonb(concat(${slot.segments.map(segmentSql).join(', ')})))`;
  }
  const required = [...new Set(slots.flatMap((slot) => slot.segments.flatMap((s) => ('field' in s && s.fallback === null ? [s.field] : []))))];
  const missing = required.map((field) => `WHEN ${fieldValue(field)} IS NULL THEN ${bind(`missing_parameter:${field}`)}::text`);
  const isMarketing = `coalesce((SELECT upper(t.category) FROM templates t
      WHERE t.channel_id = $2 AND t.name = ${bind(input.template.name)}::text AND t.language = ${bind(input.template.language)}::text), 'MARKETING') = 'MARKETING'`;
  const pending = `r.status = 'pending'`;
  const held = input.scope === 'held';
  const sql = `
    UPDATE campaign_recipients r SET
      variant = $3,
      components = CASE WHEN ${pending} AND x.skip_reason IS NULL THEN ${components} ELSE r.components END,
      status = CASE WHEN ${pending} AND x.skip_reason IS NOT NULL THEN 'skipped' ELSE r.status END,
      skip_reason = CASE WHEN ${pending} AND x.skip_reason IS NOT NULL THEN x.skip_reason ELSE r.skip_reason END
      ${held ? `, waiting_reason = CASE WHEN ${pending} THEN NULL ELSE r.waiting_reason END, next_attempt_at = CASE WHEN ${pending} THEN now() ELSE r.next_attempt_at END` : ''}
    FROM contacts c
    CROSS JOIN LATERAL (
      SELECT CASE
        WHEN c.marketing_opted_out_at IS NOT NULL AND ${isMarketing} THEN 'marketing_opted_out'
        ${missing.join('\n        ')}
      END AS skip_reason
    ) x
    WHERE c.id = r.contact_id AND r.campaign_id = $1
      AND ${held ? `r.variant IS NULL AND (r.status = 'skipped' OR (${pending} AND r.waiting_reason = '${AB_TEST_WAIT}'))` : `r.variant = $3 AND ${pending}`}`;
  return { sql, parameters };
}

/** Per variant, among its recipients so far (the test share): sent, read, replied, clicked (pickWinner's input). */
export const VARIANT_RESULTS = `
  SELECT variant AS name,
    count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent,
    count(*) FILTER (WHERE read_at IS NOT NULL)::int AS read,
    count(*) FILTER (WHERE replied_at IS NOT NULL)::int AS replied,
    count(*) FILTER (WHERE clicked_button IS NOT NULL)::int AS clicked
  FROM campaign_recipients
  WHERE campaign_id = $1 AND variant IS NOT NULL
  GROUP BY variant`;
