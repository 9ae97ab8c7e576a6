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

type Bind = (value: unknown) => string;

/**
 * One template's rendering over a contact row `c` (placeholders as at launch: contact columns or
 * attributes, with fallbacks): the components expression, and the WHEN branches of its skip reason —
 * `marketing_opted_out` when the contact stopped marketing messages and the template is MARKETING (or
 * unknown) in the channel's registry ($2: the channel), `missing_parameter:<field>` for a required value
 * the contact lacks. The same rules as the launch's (recipient-launch.queries.ts).
 */
function renderSql(template: Template, bind: Bind): { components: string; skipWhens: string[] } {
  const fieldValue = (field: string): string =>
    (CONTACT_COLUMNS as readonly string[]).includes(field) ? `nullif(btrim(c.${field}), '')` : `nullif(btrim(c.attributes ->> ${bind(field)}::text), '')`;
  const segmentSql = (segment: Segment): string => {
    if ('literal' in segment) return `${bind(segment.literal)}::text`;
    const value = fieldValue(segment.field);
    return segment.fallback === null ? value : `coalesce(${value}, ${bind(segment.fallback)}::text)`;
  };
  const slots = findPlaceholderSlots(template.components);
  let components = slots.length === 0 ? 'NULL::jsonb' : `${bind(JSON.stringify(template.components))}::jsonb`;
  for (const slot of slots) {
    components = `jsonb_set(${components}, ${bind(slot.path.map(String))}::text[], to_jsonb(concat(${slot.segments.map(segmentSql).join(', ')})))`;
  }
  const required = [...new Set(slots.flatMap((slot) => slot.segments.flatMap((s) => ('field' in s && s.fallback === null ? [s.field] : []))))];
  const isMarketing = `coalesce((SELECT upper(t.category) FROM templates t
      WHERE t.channel_id = $2 AND t.name = ${bind(template.name)}::text AND t.language = ${bind(template.language)}::text), 'MARKETING') = 'MARKETING'`;
  return {
    components,
    skipWhens: [
      `WHEN c.marketing_opted_out_at IS NOT NULL AND ${isMarketing} THEN 'marketing_opted_out'`,
      ...required.map((field) => `WHEN ${fieldValue(field)} IS NULL THEN ${bind(`missing_parameter:${field}`)}::text`),
    ],
  };
}

function binder(parameters: unknown[]): Bind {
  return (value) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
}

/**
 * Gives every recipient the launch just froze ($1) its variant and renders that variant's template
 * into its components, in one pass. Bucket = a 64-bit hash of (campaign id, contact id) modulo 10,000
 * (deterministic: the same contact always lands in the same bucket of this campaign); buckets below
 * the test bound are split by the variants' cumulative bounds (variants.ts variantOfBucket), the others
 * (a winner rule's non-test share) keep variant NULL and, while pending, are held: waiting_reason
 * `ab_test` and a far-future next_attempt_at, so no claim, send-window or messaging-limit statement
 * touches them until the winner is picked (buildRenderVariantStatement, scope `held`). A pending
 * recipient missing a value of its variant's template becomes `skipped` with the reason.
 */
export function buildAssignVariantsStatement(input: { campaignId: string; channelId: string; variants: ReadonlyArray<{ name: string; template: Template }>; bounds: readonly number[]; testBound: number }): SqlStatement {
  const parameters: unknown[] = [input.campaignId, input.channelId, input.variants.map((variant) => variant.name), [...input.bounds], input.testBound];
  const bind = binder(parameters);
  const rendered = input.variants.map((variant) => ({ name: bind(variant.name), ...renderSql(variant.template, bind) }));
  const byVariant = (pick: (render: (typeof rendered)[number]) => string) => `CASE c.variant ${rendered.map((render) => `WHEN ${render.name}::text THEN ${pick(render)}`).join(' ')} END`;
  const skip = byVariant((render) => `CASE ${render.skipWhens.join(' ')} END`);
  const pending = `r.status = 'pending'`;
  const sql = `
    UPDATE campaign_recipients r SET
      variant = c.variant,
      components = CASE WHEN ${pending} AND c.variant IS NOT NULL AND c.skip_reason IS NULL THEN ${byVariant((render) => render.components)} ELSE r.components END,
      status = CASE WHEN ${pending} AND c.skip_reason IS NOT NULL THEN 'skipped' ELSE r.status END,
      skip_reason = CASE WHEN ${pending} AND c.skip_reason IS NOT NULL THEN c.skip_reason ELSE r.skip_reason END,
      waiting_reason = CASE WHEN ${pending} AND c.variant IS NULL THEN '${AB_TEST_WAIT}' ELSE r.waiting_reason END,
      next_attempt_at = CASE WHEN ${pending} AND c.variant IS NULL THEN timestamptz '9999-12-31 00:00:00+00' ELSE r.next_attempt_at END
    FROM (
      SELECT c.*, ${skip} AS skip_reason
      FROM (
        SELECT ct.*, b.recipient_id, CASE WHEN b.bucket < $5::int THEN (
          SELECT n.name FROM unnest($3::text[], $4::int[]) AS n(name, bound)
          WHERE (b.bucket * 10000 / $5::int) < n.bound ORDER BY n.bound LIMIT 1
        ) END AS variant
        FROM (
          SELECT r2.id AS recipient_id, r2.contact_id,
            (((hashtextextended(r2.campaign_id::text || ':' || r2.contact_id::text, 0) % 10000) + 10000) % 10000)::int AS bucket
          FROM campaign_recipients r2 WHERE r2.campaign_id = $1
        ) b
        JOIN contacts ct ON ct.id = b.contact_id
      ) c
    ) c
    WHERE r.id = c.recipient_id`;
  return { sql, parameters };
}

/**
 * The winner is picked: the recipients held for it (variant NULL; pending ones waiting `ab_test`, and
 * those skipped at launch) get its variant ($3) and its template rendered; the pending ones stop
 * waiting and are due now, or are skipped when a value of that template is missing.
 */
export function buildReleaseHeldStatement(input: { campaignId: string; channelId: string; variant: string; template: Template }): SqlStatement {
  const parameters: unknown[] = [input.campaignId, input.channelId, input.variant];
  const { components, skipWhens } = renderSql(input.template, binder(parameters));
  const pending = `r.status = 'pending'`;
  const sql = `
    UPDATE campaign_recipients r SET
      variant = $3,
      components = CASE WHEN ${pending} AND x.skip_reason IS NULL THEN ${components} ELSE r.components END,
      status = CASE WHEN ${pending} AND x.skip_reason IS NOT NULL THEN 'skipped' ELSE r.status END,
      skip_reason = CASE WHEN ${pending} AND x.skip_reason IS NOT NULL THEN x.skip_reason ELSE r.skip_reason END,
      waiting_reason = CASE WHEN ${pending} THEN NULL ELSE r.waiting_reason END,
      next_attempt_at = CASE WHEN ${pending} THEN now() ELSE r.next_attempt_at END
    FROM contacts c
    CROSS JOIN LATERAL (SELECT CASE ${skipWhens.join(' ')} END AS skip_reason) x
    WHERE c.id = r.contact_id AND r.campaign_id = $1 AND r.variant IS NULL
      AND (r.status = 'skipped' OR (${pending} AND r.waiting_reason = '${AB_TEST_WAIT}'))`;
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
