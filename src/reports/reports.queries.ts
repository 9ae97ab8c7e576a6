/**
 * Hand-written SQL of the delivery report. Counts come from campaign_counters (kept by a trigger in
 * the same transaction that moves recipients); the recipient table is only touched through index
 * endpoints or index ranges:
 *   first/last send, recent sends   ix_campaign_recipients_sent_at (campaign_id, sent_at)
 *   earliest waiting per reason     ix_campaign_recipients_waiting (campaign_id, waiting_reason, next_attempt_at) WHERE pending
 *   listing / export by id          ix_campaign_recipients_campaign_id (campaign_id, id)
 *     … filtered by status          ix_campaign_recipients_status (campaign_id, status, id)
 *     … filtered by error code      ix_campaign_recipients_error (campaign_id, error_code, id)
 *   deliveries over time            ix_campaign_recipients_delivered_at (campaign_id, delivered_at)
 */
import type { DataSource } from 'typeorm';
import type { Bucket } from './report-math.js';

export interface ReportRow {
  id: string;
  name: string;
  status: string;
  scheduled_at: Date | null;
  launched_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  paused_reason: string | null;
  failure_reason: string | null;
  template_notice: string | null;
  counters: Array<{ key: string; count: number }>;
  first_sent_at: Date | null;
  last_sent_at: Date | null;
  recent_sends: string;
  waiting: Array<{ reason: string; nextAttemptAt: string | null }>;
  now: Date;
}

/** Everything the report needs in one statement: one round trip, one snapshot. */
const REPORT_SQL = `
  WITH k AS (
    SELECT key, sum(count)::bigint AS count FROM campaign_counters WHERE campaign_id = $1 GROUP BY key
  )
  SELECT c.id, c.name, c.status, c.scheduled_at, c.launched_at, c.started_at, c.completed_at, c.cancelled_at,
    c.paused_reason, c.failure_reason, c.template_notice,
    (SELECT coalesce(json_agg(json_build_object('key', k.key, 'count', k.count)), '[]'::json) FROM k) AS counters,
    (SELECT min(r.sent_at) FROM campaign_recipients r WHERE r.campaign_id = $1 AND r.sent_at IS NOT NULL) AS first_sent_at,
    (SELECT max(r.sent_at) FROM campaign_recipients r WHERE r.campaign_id = $1 AND r.sent_at IS NOT NULL) AS last_sent_at,
    (SELECT count(*) FROM campaign_recipients r
      WHERE r.campaign_id = $1 AND r.sent_at IS NOT NULL
        AND r.sent_at > statement_timestamp() - make_interval(secs => $2)) AS recent_sends,
    (SELECT coalesce(json_agg(json_build_object('reason', w.reason, 'nextAttemptAt', (
        SELECT min(r.next_attempt_at) FROM campaign_recipients r
        WHERE r.campaign_id = $1 AND r.status = 'pending' AND r.waiting_reason IS NOT NULL AND r.waiting_reason = w.reason
      ))), '[]'::json)
      FROM (SELECT substr(k.key, 9) AS reason FROM k WHERE k.key LIKE 'waiting:%' AND k.count > 0) w) AS waiting,
    statement_timestamp() AS now
  FROM campaigns c WHERE c.id = $1`;

export async function selectReport(dataSource: DataSource, campaignId: string, rateWindowSeconds: number): Promise<ReportRow | null> {
  const rows: ReportRow[] = await dataSource.query(REPORT_SQL, [campaignId, rateWindowSeconds]);
  return rows[0] ?? null;
}

export async function campaignExists(dataSource: DataSource, campaignId: string): Promise<boolean> {
  const rows: unknown[] = await dataSource.query('SELECT 1 FROM campaigns WHERE id = $1', [campaignId]);
  return rows.length > 0;
}

export interface RecipientFilter {
  status?: string;
  errorCode?: number;
}

/** `campaign_id = $1 AND id > $2` plus the filters, each on an index whose last column is id. */
function keysetWhere(filter: RecipientFilter, parameters: unknown[], alias = ''): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const clauses = [`${column('campaign_id')} = $1`, `${column('id')} > $2::bigint`];
  if (filter.status !== undefined) {
    parameters.push(filter.status);
    clauses.push(`${column('status')} = $${parameters.length}`);
  }
  if (filter.errorCode !== undefined) {
    parameters.push(filter.errorCode);
    clauses.push(`${column('error_code')} = $${parameters.length}`);
  }
  return clauses.join(' AND ');
}

export interface RecipientRow {
  id: string;
  contact_id: string;
  phone: string;
  status: string;
  message_id: string | null;
  error_code: number | null;
  error_title: string | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  skip_reason: string | null;
  waiting_reason: string | null;
  next_attempt_at: Date | null;
  attempts: number;
  pricing_category: string | null;
  pricing_model: string | null;
  pricing_type: string | null;
  billable: boolean | null;
  user_id: string | null;
  replied_at: Date | null;
  clicked_button: string | null;
  variant: string | null;
}

/** One page of recipients after `afterId`, in id order. */
export async function selectRecipientPage(
  dataSource: DataSource,
  campaignId: string,
  afterId: string,
  filter: RecipientFilter,
  limit: number,
): Promise<RecipientRow[]> {
  const parameters: unknown[] = [campaignId, afterId];
  const where = keysetWhere(filter, parameters);
  parameters.push(limit);
  return dataSource.query(
    `SELECT id, contact_id, phone, status, message_id, error_code, error_title, sent_at, delivered_at, read_at, failed_at,
       skip_reason, waiting_reason, next_attempt_at, attempts, pricing_category, pricing_model, pricing_type, billable, user_id,
       replied_at, clicked_button, variant
     FROM campaign_recipients WHERE ${where} ORDER BY id LIMIT $${parameters.length}`,
    parameters,
  );
}

/** CSV columns in export order (docs/api.md: the contract's nine, then the contact's name, then the message's pricing and price, then engagement). */
export const CSV_COLUMNS = [
  'phone',
  'status',
  'message_id',
  'error_code',
  'error_title',
  'sent_at',
  'delivered_at',
  'read_at',
  'failed_at',
  'first_name',
  'last_name',
  'pricing_category',
  'pricing_model',
  'pricing_type',
  'billable',
  // The card's price of the message (reports.service.ts priceCell), appended last.
  'price',
  'replied_at',
  'button',
] as const;

export type CsvRow = Record<string, string | number | null>;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(r.${column} AT TIME ZONE 'UTC', ${ISO}) AS ${column}`;

/**
 * One export batch (id first, then CSV_COLUMNS). Timestamps are formatted by Postgres (ISO 8601,
 * UTC) so a million rows are not parsed into Date objects and back. Parallel query is switched off
 * for the batch (SET LOCAL, so the pooled connection keeps its settings): for a campaign that is
 * most of the table the planner picks a Gather Merge whose worker start-up per batch doubled the
 * export time of 1M rows here (8.4 s → 4.4 s of query time without it).
 */
export async function selectCsvBatch(
  dataSource: DataSource,
  campaignId: string,
  afterId: string,
  filter: RecipientFilter,
  limit: number,
): Promise<CsvRow[]> {
  const parameters: unknown[] = [campaignId, afterId];
  const where = keysetWhere(filter, parameters, 'r');
  parameters.push(limit);
  return dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL max_parallel_workers_per_gather = 0');
    return manager.query(
      `SELECT r.id, r.phone, r.status, r.message_id, r.error_code, r.error_title,
         ${iso('sent_at')}, ${iso('delivered_at')}, ${iso('read_at')}, ${iso('failed_at')},
         ct.first_name, ct.last_name, r.pricing_category, r.pricing_model, r.pricing_type, r.billable::text AS billable, r.wa_id,
         ${iso('replied_at')}, r.clicked_button AS button
       FROM campaign_recipients r LEFT JOIN contacts ct ON ct.id = r.contact_id
       WHERE ${where} ORDER BY r.id LIMIT $${parameters.length}`,
      parameters,
    );
  });
}

export interface SeriesBounds {
  first_sent_at: Date | null;
  last_sent_at: Date | null;
  first_delivered_at: Date | null;
  last_delivered_at: Date | null;
  now: Date;
}

/** Four index endpoints: the time span the chart covers. */
export async function selectSeriesBounds(dataSource: DataSource, campaignId: string): Promise<SeriesBounds> {
  const rows: SeriesBounds[] = await dataSource.query(
    `SELECT
       (SELECT min(sent_at) FROM campaign_recipients WHERE campaign_id = $1 AND sent_at IS NOT NULL) AS first_sent_at,
       (SELECT max(sent_at) FROM campaign_recipients WHERE campaign_id = $1 AND sent_at IS NOT NULL) AS last_sent_at,
       (SELECT min(delivered_at) FROM campaign_recipients WHERE campaign_id = $1 AND delivered_at IS NOT NULL) AS first_delivered_at,
       (SELECT max(delivered_at) FROM campaign_recipients WHERE campaign_id = $1 AND delivered_at IS NOT NULL) AS last_delivered_at,
       statement_timestamp() AS now`,
    [campaignId],
  );
  return rows[0];
}

/**
 * Events per bucket from `from` on, for one timestamp column (sent_at or delivered_at), read as a
 * range of that column's (campaign_id, <column>) index. The page asks only for buckets since the
 * last one it has, so a refresh reads a few seconds of index, not the whole campaign.
 */
export async function selectSeries(
  dataSource: DataSource,
  campaignId: string,
  column: 'sent_at' | 'delivered_at',
  bucket: Bucket,
  from: Date | null,
): Promise<Array<{ t: Date; n: number }>> {
  const since = from ? `AND ${column} >= $3::timestamptz` : '';
  return dataSource.query(
    `SELECT date_trunc($2, ${column}, 'UTC') AS t, count(*)::int AS n
     FROM campaign_recipients
     WHERE campaign_id = $1 AND ${column} IS NOT NULL ${since}
     GROUP BY 1 ORDER BY 1`,
    from ? [campaignId, bucket, from] : [campaignId, bucket],
  );
}
