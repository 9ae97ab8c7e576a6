import { type ResolvedAudience, type TextColumn, type WhereClause } from './audience.js';

/**
 * The audience in SQL, shared by the launch (campaigns/recipient-launch.queries.ts, the INSERT … SELECT
 * that freezes recipients) and the preview, so that the preview counts exactly what the launch creates.
 *
 * Invariants:
 * - every value a client gave travels as a bind parameter (`bind` pushes it and returns `$n`); column
 *   names come from the fixed table below, attribute keys are parameters (`c.attributes ->> $n`);
 * - a contact appears once, however many of the lists hold it (the joined source is a set of distinct
 *   contact ids; every other source is a semi-join filter, which cannot multiply rows);
 * - exclusions win: a contact in an excluded list is out whatever else matches;
 * - consent is not filtered here: the launch keeps opted-out and never-opted-in contacts as `skipped`
 *   with their reason (consentSkipCases), and the preview reports them as excluded.
 */

/** Pushes a parameter and returns its placeholder (`$n`). */
export type Bind = (value: unknown) => string;

/** The only contact columns a clause turns into SQL; anything else is an attribute key bound as a parameter. */
const COLUMN_SQL: Record<TextColumn | 'opted_in_at' | 'last_inbound_at', string> = {
  first_name: 'c.first_name',
  last_name: 'c.last_name',
  language: 'c.language',
  country: 'c.country',
  opted_in_at: 'c.opted_in_at',
  last_inbound_at: 'c.last_inbound_at',
};

/** Text that looks like an ISO 8601 date, and a decimal number: an attribute is compared as one only when it is one. */
const ISO_DATE_TEXT = `'^\\d{4}-\\d{2}-\\d{2}'`;
const NUMBER_TEXT = `'^\\s*-?\\d+(\\.\\d+)?\\s*$'`;

/**
 * The audience's contacts, every column of `contacts`, as a subquery to select FROM (alias it `c`).
 *
 * Shape: the first source (lists, else the earlier campaign's recipients, else the segment's first
 * source) is JOINed to contacts as a set of distinct contact ids; every other source, clause and
 * exclusion filters `c`. Joining the source, rather than filtering all contacts by a semi-join, keeps
 * the plan linear whatever the planner guesses for the clauses: it cannot estimate an attribute
 * clause (`attributes ->> 'city' = …` is guessed at 0.5 % of rows), and a semi-join planned on that
 * guess probes the list index once per contact (a nested loop over a million contacts). Each source
 * ends in `OFFSET 0`, a planner fence: the source is scanned once as a whole (its row count estimated
 * from the list's statistics) and hashed, never probed row by row on the strength of that guess.
 */
export function audienceContactsSql(audience: ResolvedAudience, bind: Bind): string {
  const parts: AudienceParts = { sources: [], conditions: [] };
  collect(audience, parts);
  const [base, ...others] = parts.sources;
  // checkAudience demands a source (lists, a campaign or a segment with one); without one, no one.
  if (!base) return 'SELECT c.* FROM contacts c WHERE false';
  const baseSql = sourceSql(base, bind, 'base');
  const conditions = [
    ...others.map((source) => `c.id IN (${sourceSql(source, bind, 'filter')})`),
    ...parts.conditions.map((condition) => condition(bind)),
  ];
  const where = conditions.length > 0 ? `WHERE ${conditions.join('\n        AND ')}` : '';
  return `SELECT c.* FROM (${baseSql}) b
      JOIN contacts c ON c.id = b.contact_id
      ${where}`;
}

type Source = { lists: string[] } | { fromCampaign: NonNullable<ResolvedAudience['fromCampaign']> };

interface AudienceParts {
  sources: Source[];
  /** Rendered in order when the statement is assembled (each binds its own parameters). */
  conditions: Array<(bind: Bind) => string>;
}

/** Flattens the audience and its segment into one conjunction: every part must hold for a contact. */
function collect(audience: ResolvedAudience, parts: AudienceParts): void {
  if (audience.listIds.length > 0) parts.sources.push({ lists: audience.listIds });
  if (audience.fromCampaign) parts.sources.push({ fromCampaign: audience.fromCampaign });
  if (audience.segment) collect(audience.segment, parts);
  for (const clause of audience.where) parts.conditions.push((bind) => clauseSql(clause, bind));
  const { excludeListIds } = audience;
  if (excludeListIds.length > 0) {
    parts.conditions.push((bind) => `NOT EXISTS (SELECT 1 FROM list_members x WHERE ${listCondition('x', excludeListIds, bind)} AND x.contact_id = c.id)`);
  }
}

/**
 * A source as a set of contact ids, each once: one list is unique by its primary key (list_id,
 * contact_id), several lists need DISTINCT (a union), a campaign's recipients are unique by
 * uq_campaign_recipients_contact. As a filter (`c.id IN (…)`) duplicates do not matter.
 */
function sourceSql(source: Source, bind: Bind, use: 'base' | 'filter'): string {
  if ('lists' in source) {
    const distinct = use === 'base' && source.lists.length > 1 ? 'DISTINCT ' : '';
    return `SELECT ${distinct}m.contact_id FROM list_members m WHERE ${listCondition('m', source.lists, bind)} OFFSET 0`;
  }
  const { campaignId, statuses, replied, clickedButton } = source.fromCampaign;
  const conditions = [`r.campaign_id = ${bind(campaignId)}::uuid`];
  if (statuses) conditions.push(`r.status = ANY(${bind(statuses)}::text[])`);
  if (replied !== undefined) conditions.push(replied ? 'r.replied_at IS NOT NULL' : 'r.replied_at IS NULL');
  if (clickedButton !== undefined) conditions.push(`r.clicked_button = ${bind(clickedButton)}::text`);
  return `SELECT r.contact_id FROM campaign_recipients r WHERE ${conditions.join(' AND ')} OFFSET 0`;
}

/** One list compares with `=` (the planner estimates it from the list's statistics), several with ANY. */
function listCondition(alias: string, listIds: string[], bind: Bind): string {
  return listIds.length === 1 ? `${alias}.list_id = ${bind(listIds[0])}::uuid` : `${alias}.list_id = ANY(${bind(listIds)}::uuid[])`;
}

/**
 * One clause. Missing values: eq, in, contains, before, after, gt and lt never match a contact without
 * the field; neq and notIn do (they mean "anything but"). An empty or blank text counts as missing.
 */
export function clauseSql(clause: WhereClause, bind: Bind): string {
  const column = COLUMN_SQL[clause.field as keyof typeof COLUMN_SQL];
  if (column && (clause.field === 'opted_in_at' || clause.field === 'last_inbound_at')) {
    switch (clause.op) {
      case 'before':
        return `${column} < ${bind(clause.value)}::timestamptz`;
      case 'after':
        return `${column} >= ${bind(clause.value)}::timestamptz`;
      case 'exists':
        return `${column} IS NOT NULL`;
      case 'notExists':
        return `${column} IS NULL`;
      default:
        throw new Error(`${clause.op} on ${clause.field}: refused by checkAudience`);
    }
  }
  const text = column ?? `(c.attributes ->> ${bind(clause.field)}::text)`;
  switch (clause.op) {
    case 'eq':
      return `${text} = ${bind(clause.value)}::text`;
    case 'neq':
      return `${text} IS DISTINCT FROM ${bind(clause.value)}::text`;
    case 'in':
      return `${text} = ANY(${bind(clause.value)}::text[])`;
    case 'notIn':
      return `(${text} IS NULL OR ${text} <> ALL(${bind(clause.value)}::text[]))`;
    case 'contains':
      return `strpos(lower(${text}), lower(${bind(clause.value)}::text)) > 0`;
    case 'exists':
      return `nullif(btrim(${text}), '') IS NOT NULL`;
    case 'notExists':
      return `nullif(btrim(${text}), '') IS NULL`;
    // Attributes only (checkAudience): ISO 8601 text sorts chronologically; anything else never matches.
    case 'before':
      return `(${text} ~ ${ISO_DATE_TEXT} AND ${text} < ${bind(clause.value)}::text)`;
    case 'after':
      return `(${text} ~ ${ISO_DATE_TEXT} AND ${text} >= ${bind(clause.value)}::text)`;
    // CASE guards the cast: a value that is not a number is no match, never an error.
    case 'gt':
      return `(CASE WHEN ${text} ~ ${NUMBER_TEXT} THEN btrim(${text})::numeric END) > ${bind(clause.value)}::numeric`;
    case 'lt':
      return `(CASE WHEN ${text} ~ ${NUMBER_TEXT} THEN btrim(${text})::numeric END) < ${bind(clause.value)}::numeric`;
  }
}

/**
 * The WHEN lines of the launch's skip reason that concern consent, over the contact `c`: opted-out and
 * never-opted-in contacts never receive anything, and one who stopped marketing messages receives no
 * marketing template (`isMarketing`: an SQL condition). The preview counts these as excludedOptedOut.
 */
export function consentSkipCases(isMarketing: string): string {
  return `WHEN c.opted_out_at IS NOT NULL THEN 'opted_out'
        WHEN c.opted_in_at IS NULL THEN 'not_opted_in'
        WHEN c.marketing_opted_out_at IS NOT NULL AND ${isMarketing} THEN 'marketing_opted_out'`;
}

/**
 * Whether a template counts as MARKETING for consent: by the channel's template registry, and when the
 * registry does not know it, yes (the safer guess). Shared by the launch and the preview.
 */
export function isMarketingTemplateSql(channelId: string, template: { name: string; language: string }, bind: Bind): string {
  return `coalesce((SELECT upper(t.category) FROM templates t
      WHERE t.channel_id = ${channelId} AND t.name = ${bind(template.name)}::text AND t.language = ${bind(template.language)}::text), 'MARKETING') = 'MARKETING'`;
}

/** A fresh parameter list and its bind function, for statements built from an audience. */
export function parameterList(initial: unknown[] = []): { parameters: unknown[]; bind: Bind } {
  const parameters = [...initial];
  return {
    parameters,
    bind: (value) => {
      parameters.push(value);
      return `$${parameters.length}`;
    },
  };
}

/** What the preview knows of the launch: the channel and, when given, the template (else MARKETING is assumed). */
export interface PreviewLaunch {
  audience: ResolvedAudience;
  channelId: string;
  template?: { name: string; language: string };
  /** The frequency cap to count contacts at (the preview's `excluded.frequencyCap`); none: 0. */
  frequencyCap?: { max: number; hours: number } | null;
}

/**
 * Whether the contact `c` is at its marketing frequency cap now, counted as the sender's claim counts
 * (recipient-claim.queries.ts CLAIM_PICKED): its frequency_ledger rows in the last `hours` whose
 * recipient was not failed, cancelled or skipped, at least `max` — for a MARKETING template only (the
 * ledger counts those, and a cap holds back only those). Reads ix_frequency_ledger_contact.
 */
function atFrequencyCapSql(launch: PreviewLaunch, bind: Bind): string {
  const cap = launch.frequencyCap;
  if (!cap) return 'false';
  return `(${previewMarketing(launch, bind)}) AND (
      SELECT count(*) FROM frequency_ledger f JOIN campaign_recipients o ON o.id = f.recipient_id
      WHERE f.contact_id = c.id AND f.counted_at > statement_timestamp() - make_interval(hours => ${bind(cap.hours)}::int)
        AND o.status NOT IN ('failed', 'cancelled', 'skipped')
    ) >= ${bind(cap.max)}::int`;
}

function previewMarketing(launch: PreviewLaunch, bind: Bind): string {
  return launch.template ? isMarketingTemplateSql(`${bind(launch.channelId)}::uuid`, launch.template, bind) : 'true';
}

/**
 * The preview's counts per country, in one pass over the audience: `reach` is what the launch creates as
 * pending, `opted_out` what it keeps as skipped for consent (the launch's own CASE), `capped` those of
 * `reach` at their marketing frequency cap now (launched, they wait).
 */
export function previewCountsStatement(launch: PreviewLaunch): { sql: string; parameters: unknown[] } {
  const { parameters, bind } = parameterList();
  const sql = `
    SELECT c.country,
           count(*) FILTER (WHERE e.reason IS NULL)::int AS reach,
           count(*) FILTER (WHERE e.reason IS NOT NULL)::int AS opted_out,
           count(*) FILTER (WHERE e.reason IS NULL AND e.at_cap)::int AS capped
    FROM (${audienceContactsSql(launch.audience, bind)}) c
    CROSS JOIN LATERAL (
      SELECT CASE ${consentSkipCases(previewMarketing(launch, bind))} END AS reason, ${atFrequencyCapSql(launch, bind)} AS at_cap
    ) e
    GROUP BY c.country`;
  return { sql, parameters };
}

/**
 * The pricing estimate of a campaign not launched yet (reports/CostService): the contacts the preview
 * counts in `count` (the launch's pending recipients: the same audience SQL and the same consent CASE),
 * grouped by the first 4 digits of their number (enough for every rate-card line) and by whether they
 * wrote in the last 24 h (an open customer-service window). One GROUP BY: no row per person leaves the
 * database.
 */
export function estimateGroupsStatement(launch: PreviewLaunch): { sql: string; parameters: unknown[] } {
  const { parameters, bind } = parameterList();
  const sql = `
    SELECT left(c.wa_id, 4) AS prefix,
           coalesce(c.last_inbound_at > statement_timestamp() - interval '24 hours', false) AS in_window,
           count(*)::int AS recipients
    FROM (${audienceContactsSql(launch.audience, bind)}) c
    WHERE (CASE ${consentSkipCases(previewMarketing(launch, bind))} END) IS NULL
    GROUP BY 1, 2`;
  return { sql, parameters };
}

export interface EstimateGroupRow {
  prefix: string;
  in_window: boolean;
  recipients: number;
}

/** Up to `limit` contacts the launch would message, lowest id first. */
export function previewSampleStatement(launch: PreviewLaunch, limit: number): { sql: string; parameters: unknown[] } {
  const { parameters, bind } = parameterList();
  const sql = `
    SELECT c.id, c.phone, c.first_name, c.last_name, c.language, c.country
    FROM (${audienceContactsSql(launch.audience, bind)}) c
    WHERE (CASE ${consentSkipCases(previewMarketing(launch, bind))} END) IS NULL
    ORDER BY c.id
    LIMIT ${bind(limit)}::int`;
  return { sql, parameters };
}

export interface PreviewCountRow {
  country: string | null;
  reach: number;
  opted_out: number;
  capped: number;
}

export interface PreviewSampleRow {
  id: string;
  phone: string;
  first_name: string | null;
  last_name: string | null;
  language: string | null;
  country: string | null;
}
