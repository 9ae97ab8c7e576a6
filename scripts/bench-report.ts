/**
 * Delivery report benchmark: `npm run bench:report`.
 *
 * Creates campaigns of 1,000 and 1,000,000 recipients directly in a fresh database (set-based
 * INSERT … SELECT generate_series; the counters trigger fills campaign_counters as it would for the
 * sender), starts the built engine as a child process (ROLE=api, so nothing moves the rows), and
 * measures over HTTP:
 *   - GET /v1/campaigns/:id/report: median of 20 at both sizes (target ≤ 50 ms);
 *   - GET /v1/campaigns/:id/report.csv for 1M rows, twice: time to the last byte (target ≤ 15 s) and
 *     the engine's memory (VmRSS sampled every 100 ms, VmHWM from /proc/<pid>/status), reported;
 *   - then once more on an engine restarted with its V8 old space capped below the file's size
 *     (EXPORT_HEAP_CAP_MB, scripts/lib/export-memory.ts says why): it must deliver every row, and the
 *     engine's RSS growth must stay under a fixed budget (64 MB), which an export that buffers the file
 *     (~145 MB for 1M rows) cannot meet.
 * Postgres: DATABASE_URL's server, else 127.0.0.1:5432 when it answers, else an embedded one.
 * Options: --keep (do not drop the database), --size N (the large campaign, default 1,000,000).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { benchPostgres } from './lib/bench-postgres.js';
import { selectReport } from '../src/reports/reports.queries.js';
import { type EngineProcess, startEngine } from './lib/engine-process.js';
import { EXPORT_HEAP_CAP_MB, EXPORT_MEMORY_BUDGET_KB, exportMemoryGrowthKb, withinExportMemoryBudget } from './lib/export-memory.js';

const args = process.argv.slice(2);
const KEEP = args.includes('--keep');
const sizeIndex = args.indexOf('--size');
const LARGE = sizeIndex >= 0 ? Number(args[sizeIndex + 1]) : 1_000_000;
const SMALL = 1_000;
const SAMPLES = 20;
const TOKEN = randomBytes(24).toString('base64url');

const log = (line = '') => process.stdout.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The built engine with ROLE=api (nothing moves the rows), run as `npm start` runs it unless `nodeOptions`
 * say otherwise.
 */
function startApiEngine(databaseUrl: string, nodeOptions: string[] = []): Promise<EngineProcess> {
  return startEngine({ databaseUrl, token: TOKEN, nodeOptions, env: { NODE_ENV: 'production', ROLE: 'api', HOST: '127.0.0.1' } });
}

/** VmRSS / VmHWM of a process in kB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * The large campaign's shape: every status, four error codes, waiting recipients, sends spread over
 * the last hour (so the last 10 s hold a realistic send rate), a few formula-looking first names.
 */
async function seed(databaseUrl: string): Promise<{ small: string; large: string; seconds: number }> {
  return withClient(databaseUrl, async (client) => {
    const started = performance.now();
    const [channel] = (
      await client.query(
        `INSERT INTO channels (name, phone_number, api_generation, base_url, api_key_encrypted, api_key_last4, messages_per_second,
           webhook_username, webhook_password_hash)
         VALUES ('bench', '+4930123456', 'cloud', 'http://127.0.0.1:9', 'not-a-key', '0000', 300, 'bench', 'x') RETURNING id`,
      )
    ).rows;
    const [list] = (await client.query(`INSERT INTO lists (name) VALUES ('bench') RETURNING id`)).rows;
    await client.query(
      `INSERT INTO contacts (phone, wa_id, first_name, last_name, opted_in_at)
       SELECT '+49151' || lpad(g::text, 8, '0'), '49151' || lpad(g::text, 8, '0'),
         CASE WHEN g % 1000 = 0 THEN '=HYPERLINK("http://evil.example","x")' WHEN g % 1000 = 1 THEN '+1+1' ELSE 'Name ' || g END,
         'Family ' || (g % 5000), now()
       FROM generate_series(1, $1::int) g`,
      [LARGE],
    );
    const campaign = async (name: string) =>
      (
        await client.query(
          `INSERT INTO campaigns (name, channel_id, list_id, template, status, scheduled_at, launched_at, started_at)
           VALUES ($1, $2, $3, '{"name":"spring_sale","language":"en","components":[]}', 'running',
             now() - interval '61 minutes', now() - interval '61 minutes', now() - interval '60 minutes') RETURNING id`,
          [name, channel.id, list.id],
        )
      ).rows[0].id as string;
    const small = await campaign(`bench ${SMALL}`);
    const large = await campaign(`bench ${LARGE}`);
    // b = g % 100: 0–29 read, 30–64 and 98–99 delivered, 65–79 sent, 80–87 failed, 88–89 skipped,
    // 90–94 pending (90–92 send window, 93 retry), 95 sending, 96 cancelled, 97 unknown.
    const insert = (campaignId: string, count: number) =>
      client.query(
        `INSERT INTO campaign_recipients (campaign_id, channel_id, contact_id, phone, wa_id, status, next_attempt_at, waiting_reason,
           message_id, error_code, error_title, sent_at, delivered_at, read_at, failed_at, skip_reason, attempts)
         SELECT $1::uuid, $2::uuid, c.id, c.phone, c.wa_id, s.status,
           CASE WHEN s.b BETWEEN 90 AND 92 THEN now() + interval '14 hours' + (c.id % 600) * interval '1 second'
                WHEN s.b = 93 THEN now() + (c.id % 120) * interval '1 second' ELSE now() END,
           CASE WHEN s.b BETWEEN 90 AND 92 THEN 'send_window' WHEN s.b = 93 THEN 'retry' END,
           CASE WHEN s.sent THEN 'wamid.' || $1::uuid::text || '.' || c.id END,
           CASE WHEN s.status = 'failed' THEN (ARRAY[131026, 131047, 130472, 131049])[1 + c.id % 4] END,
           CASE WHEN s.status = 'failed' THEN (ARRAY['Message undeliverable', 'Re-engagement message',
             'User''s number is part of an experiment', 'Meta chose not to deliver'])[1 + c.id % 4] END,
           CASE WHEN s.sent THEN s.t END,
           CASE WHEN s.status IN ('delivered', 'read') THEN s.t + interval '2 seconds' END,
           CASE WHEN s.status = 'read' THEN s.t + interval '40 seconds' END,
           CASE WHEN s.status = 'failed' THEN s.t + interval '1 second' END,
           CASE WHEN s.status = 'skipped' THEN 'missing value for {{first_name}}' END,
           CASE WHEN s.status IN ('pending', 'skipped', 'cancelled') THEN 0 ELSE 1 END
         FROM contacts c
         CROSS JOIN LATERAL (SELECT c.id % 100 AS b) k
         CROSS JOIN LATERAL (
           SELECT k.b,
             CASE WHEN k.b < 30 THEN 'read' WHEN k.b < 65 OR k.b >= 98 THEN 'delivered' WHEN k.b < 80 THEN 'sent'
                  WHEN k.b < 88 THEN 'failed' WHEN k.b < 90 THEN 'skipped' WHEN k.b < 95 THEN 'pending'
                  WHEN k.b = 95 THEN 'sending' WHEN k.b = 96 THEN 'cancelled' ELSE 'unknown' END AS status,
             (k.b < 80 OR k.b >= 98 OR (k.b BETWEEN 80 AND 87 AND c.id % 2 = 0)) AS sent,
             clock_timestamp() - interval '1 hour' + (c.id::float8 / $3::float8) * interval '1 hour' AS t
         ) s
         WHERE c.id <= $3
         ORDER BY c.id`,
        [campaignId, channel.id, count],
      );
    await insert(small, SMALL);
    await insert(large, LARGE);
    await client.query('VACUUM (ANALYZE) campaign_recipients');
    await client.query('VACUUM (ANALYZE) contacts');
    await client.query('VACUUM (ANALYZE) campaign_counters');
    return { small, large, seconds: (performance.now() - started) / 1000 };
  });
}

async function get(engine: EngineProcess, path: string): Promise<{ ms: number; body: unknown }> {
  const started = performance.now();
  const response = await fetch(`${engine.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await response.json();
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`${path} → ${response.status} ${JSON.stringify(body)}`);
  return { ms: elapsed, body };
}

function stats(samples: number[]): { median: number; p95: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, p95: at(0.95), min: sorted[0], max: sorted[sorted.length - 1] };
}

async function latency(engine: EngineProcess, path: string, samples = SAMPLES): Promise<ReturnType<typeof stats> & { last: unknown }> {
  for (let index = 0; index < 3; index++) await get(engine, path); // warm-up
  const times: number[] = [];
  let last: unknown;
  for (let index = 0; index < samples; index++) {
    const { ms: elapsed, body } = await get(engine, path);
    times.push(elapsed);
    last = body;
  }
  return { ...stats(times), last };
}

/** EXPLAIN ANALYZE of the report's own statement: its execution time, and whether it scans the recipients. */
async function explainReport(databaseUrl: string, campaignId: string): Promise<{ executionMs: number; seqScan: boolean }> {
  return withClient(databaseUrl, async (client) => {
    let plan = '';
    const explaining = {
      query: async (sql: string, parameters: unknown[]) => {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
        plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
        return [];
      },
    };
    await selectReport(explaining as never, campaignId, 10);
    return {
      executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN),
      seqScan: /Seq Scan on campaign_recipients/.test(plan),
    };
  });
}

async function groundTruth(databaseUrl: string, campaignId: string): Promise<Record<string, number>> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query('SELECT status, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status', [
      campaignId,
    ]);
    return Object.fromEntries(rows.map((row: { status: string; n: number }) => [row.status, row.n]));
  });
}

/**
 * Streams the CSV, counting bytes and lines, while sampling the engine's RSS every 100 ms together
 * with how far the stream has got.
 */
async function streamCsv(engine: EngineProcess, campaignId: string) {
  const pid = engine.child.pid!;
  const before = memory(pid);
  const samples: Array<{ bytes: number; rss: number }> = [];
  let bytes = 0;
  const sampler = setInterval(() => samples.push({ bytes, rss: memory(pid).rss }), 100);
  const started = performance.now();
  let firstByteMs = 0;
  let lines = 0;
  let header = '';
  try {
    const response = await fetch(`${engine.url}/v1/campaigns/${campaignId}/report.csv`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!response.ok || !response.body) throw new Error(`report.csv → ${response.status}`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) {
        firstByteMs = performance.now() - started;
        header = Buffer.from(value).toString('utf8').split('\n')[0];
      }
      bytes += value.byteLength;
      for (let index = value.indexOf(10); index >= 0; index = value.indexOf(10, index + 1)) lines++;
    }
    return {
      seconds: (performance.now() - started) / 1000,
      firstByteMs,
      bytes,
      rows: lines - 1,
      header,
      disposition: response.headers.get('content-disposition'),
      before,
      after: memory(pid),
      samples,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** The highest RSS sampled in each tenth of the stream (by bytes received). */
function rssByProgress(samples: Array<{ bytes: number; rss: number }>, total: number): string {
  const tenths = Array.from({ length: 10 }, () => 0);
  for (const sample of samples) {
    const tenth = Math.min(9, Math.floor((sample.bytes / total) * 10));
    tenths[tenth] = Math.max(tenths[tenth], sample.rss);
  }
  return tenths.map((rss, index) => `${(index + 1) * 10}%: ${rss ? Math.round(rss / 1024) : '–'}`).join(', ');
}

async function main(): Promise<void> {
  log(`# bench:report — ${new Date().toISOString()}, Node ${process.version}`);
  const pgServer = await benchPostgres('report');
  const databaseName = `wa_bench_report_${randomBytes(4).toString('hex')}`;
  await withClient(pgServer.adminUrl, (client) => client.query(`CREATE DATABASE ${databaseName}`));
  const databaseUrl = (() => {
    const url = new URL(pgServer.adminUrl);
    url.pathname = `/${databaseName}`;
    return url.toString();
  })();
  log(`database: ${databaseName} on ${pgServer.label}`);

  let engine: EngineProcess | undefined;
  let failed = false;
  try {
    engine = await startApiEngine(databaseUrl); // applies the migrations
    log(`engine: pid ${engine.child.pid}, ROLE=api, ${engine.url}`);
    const seeded = await seed(databaseUrl);
    log(`seeded ${SMALL.toLocaleString('en-US')} + ${LARGE.toLocaleString('en-US')} recipients (and ${LARGE.toLocaleString('en-US')} contacts) in ${seeded.seconds.toFixed(1)} s, then VACUUM ANALYZE`);
    log();

    log('## GET /v1/campaigns/:id/report (sequential, keep-alive, after 3 warm-ups)');
    for (const [size, id] of [
      [SMALL, seeded.small],
      [LARGE, seeded.large],
    ] as const) {
      // A running campaign at 1,000 msg/s: 1% of its sent recipients were sent in the last 10 s.
      await withClient(databaseUrl, (client) =>
        client.query(
          `UPDATE campaign_recipients SET sent_at = now() - random() * interval '9 seconds'
           WHERE campaign_id = $1 AND status = 'sent' AND id % 15 = 0`,
          [id],
        ),
      );
      const result = await latency(engine, `/v1/campaigns/${id}/report`);
      const report = result.last as { total: number; counts: Record<string, number>; sendRate: { perSecond: number }; eta: { secondsRemaining: number } | null };
      const truth = await groundTruth(databaseUrl, id);
      const sum = Object.values(report.counts).reduce((a, b) => a + b, 0);
      const matches = Object.entries(report.counts).every(([status, count]) => (truth[status] ?? 0) === count) && sum === report.total && report.total === size;
      const explain = await explainReport(databaseUrl, id);
      const ok = result.median <= 50;
      failed ||= !ok || !matches || explain.seqScan;
      log(
        `${size.toLocaleString('en-US').padStart(9)} recipients: median ${ms(result.median)}, p95 ${ms(result.p95)}, min ${ms(result.min)}, max ${ms(result.max)} ` +
          `(n=${SAMPLES}) — target ≤ 50 ms: ${ok ? 'PASS' : 'FAIL'}`,
      );
      log(
        `${''.padStart(22)}counts add up to total and equal a GROUP BY: ${matches ? 'yes' : 'NO'}; SQL execution ${ms(explain.executionMs)}, ` +
          `seq scan on campaign_recipients: ${explain.seqScan ? 'YES' : 'no'}; send rate ${report.sendRate.perSecond} msg/s, ETA ${report.eta?.secondsRemaining ?? '—'} s`,
      );
    }
    log();

    log('## Other report routes on the large campaign (median of 20)');
    const firstPage = await latency(engine, `/v1/campaigns/${seeded.large}/recipients?limit=100`);
    const failedPage = await latency(engine, `/v1/campaigns/${seeded.large}/recipients?status=failed&limit=100`);
    const errorPage = await latency(engine, `/v1/campaigns/${seeded.large}/recipients?errorCode=131049&limit=100`);
    const cursor = (firstPage.last as { nextCursor: string }).nextCursor;
    const nextPage = await latency(engine, `/v1/campaigns/${seeded.large}/recipients?limit=100&cursor=${cursor}`);
    const series = await latency(engine, `/v1/campaigns/${seeded.large}/report/timeseries`, 5);
    const since = new Date(Date.now() - 60_000).toISOString();
    const seriesSince = await latency(engine, `/v1/campaigns/${seeded.large}/report/timeseries?bucket=minute&from=${since}`);
    log(`recipients, first page of 100:            median ${ms(firstPage.median)}`);
    log(`recipients, next page (cursor):           median ${ms(nextPage.median)}`);
    log(`recipients, status=failed:                median ${ms(failedPage.median)}`);
    log(`recipients, errorCode=131049:             median ${ms(errorPage.median)}`);
    log(`timeseries, whole campaign (${(series.last as { bucket: string }).bucket}, n=5):   median ${ms(series.median)}`);
    log(`timeseries, incremental (last minute):    median ${ms(seriesSince.median)}`);
    log();

    log(`## GET /v1/campaigns/:id/report.csv — ${LARGE.toLocaleString('en-US')} rows, streamed twice`);
    const runs = [await streamCsv(engine, seeded.large), await streamCsv(engine, seeded.large)];
    const [csv] = runs;
    log(`header: ${csv.header}`);
    log(`content-disposition: ${csv.disposition}`);
    /** Rows always count; the 15 s target applies to the engine as it runs by default (runs 1 and 2). */
    const logRun = (label: string, run: Awaited<ReturnType<typeof streamCsv>>, timed: boolean): void => {
      const rowsOk = run.rows === LARGE;
      const timeOk = run.seconds <= 15;
      failed ||= !rowsOk || (timed && !timeOk);
      log(
        `${label}: rows ${run.rows.toLocaleString('en-US')} (${rowsOk ? 'all' : 'MISSING ROWS'}), ${(run.bytes / 1024 / 1024).toFixed(1)} MB, ` +
          `first byte ${ms(run.firstByteMs)}, last byte ${run.seconds.toFixed(2)} s (${Math.round(run.rows / run.seconds).toLocaleString('en-US')} rows/s)` +
          (timed ? ` — target ≤ 15 s: ${timeOk ? 'PASS' : 'FAIL'}` : ''),
      );
      log(`       engine RSS before ${mb(run.before.rss)}, peak by progress (MB) ${rssByProgress(run.samples, run.bytes)}`);
    };
    for (const [index, run] of runs.entries()) {
      logRun(`run ${index + 1}`, run, true);
      log(`       grew by ${mb(exportMemoryGrowthKb(run))}`);
    }
    log('       (no heap cap: V8 lets garbage pile up to ~4× the live heap before a full GC, so RSS saws up and down; no verdict on it)');
    log();

    log(`## The same export on an engine with its V8 old space capped at ${EXPORT_HEAP_CAP_MB} MB (--max-old-space-size), below the file's size`);
    await engine.stop();
    engine = undefined;
    engine = await startApiEngine(databaseUrl, [`--max-old-space-size=${EXPORT_HEAP_CAP_MB}`]);
    const capped = await streamCsv(engine, seeded.large);
    logRun('run 3', capped, false);
    // A fixed budget for the growth: comparing two runs' peaks would pass an export that buffers the
    // whole file (both runs reach the same high peak).
    const memoryOk = withinExportMemoryBudget(capped) && engine.running();
    failed ||= !memoryOk;
    log(
      `run 3: engine memory grew by ${mb(exportMemoryGrowthKb(capped))} while streaming ${LARGE.toLocaleString('en-US')} rows ` +
        `(RSS before ${mb(capped.before.rss)}; VmHWM before ${mb(capped.before.hwm)}, after ${mb(capped.after.hwm)}); engine ` +
        `${engine.running() ? 'still running' : `exited (${engine.child.exitCode ?? engine.child.signalCode})`} — budget < ${mb(EXPORT_MEMORY_BUDGET_KB)}: ${memoryOk ? 'PASS' : 'FAIL'}`,
    );
    log();
    log(failed ? 'RESULT: some targets missed (see FAIL above)' : 'RESULT: all targets met');
    process.exitCode = failed ? 1 : 0;
  } catch (error) {
    process.exitCode = 1;
    log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await engine?.stop();
    if (KEEP) log(`kept database ${databaseUrl}`);
    else await withClient(pgServer.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
    await pgServer.stop();
  }
}

await main();
