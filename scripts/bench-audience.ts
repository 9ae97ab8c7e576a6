/**
 * Audience launch benchmark: `npm run bench:audience` (issue 16: an audience launch takes no more than
 * twice the plain one-list launch).
 *
 * In a fresh database (migrated by the engine's own migrations) it writes, set-based, T = 1.25 × N
 * contacts (N = --contacts, default 1,000,000) and four lists:
 *   - "plain": contacts 1..N — the plain launch (`listId`) freezes N recipients;
 *   - "a": 1..N and "b": N/2..T (overlapping, so the union must drop duplicates), "excluded": every 20th
 *     contact; 90 % of contacts live in Berlin (attribute `city`), 95 % opted in this year.
 * The audience launch: lists a ∪ b minus "excluded", where city eq Berlin and opted_in_at after
 * 2026-01-01 → N recipients as well (the excluded residues modulo 20 leave 16 of 20: 1.25 × 0.8 = 1).
 *
 * Each launch is the statement the scheduler runs (campaigns/recipient-launch.queries.ts
 * buildLaunchStatement, with the audience SQL of audiences/audience.queries.ts) plus MARK_LAUNCHED, in
 * one transaction, timed from BEGIN to COMMIT. The plain and the audience launch alternate, --runs
 * times each (default 3), on an emptied campaign_recipients; medians are compared. The audience's
 * preview statements are timed too, and the preview's count is checked against what the launch froze.
 * Postgres: DATABASE_URL's server, else 127.0.0.1:5432 when it answers, else an embedded one.
 * Options: --contacts N, --runs R, --keep (do not drop the database).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { benchPostgres } from './lib/bench-postgres.js';
import { type Audience, oneList, type ResolvedAudience, toResolved } from '../src/audiences/audience.js';
import { checkAudience } from '../src/audiences/audience-rules.js';
import { previewCountsStatement, previewSampleStatement } from '../src/audiences/audience.queries.js';
import { MARK_LAUNCHED } from '../src/campaigns/campaigns.queries.js';
import { buildLaunchStatement } from '../src/campaigns/recipient-launch.queries.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runMigrationsWithLock } from '../src/database/migrate.js';

/** Issue 16: the audience launch may take at most this many times the plain launch. */
const TARGET_RATIO = 2;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const N = option('contacts', 1_000_000);
const RUNS = option('runs', 3);
const KEEP = args.includes('--keep');
const T = Math.round(N * 1.25);
const template = { name: 'spring_sale', language: 'en', namespace: null, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Seeded {
  channelId: string;
  lists: { plain: string; a: string; b: string; excluded: string };
}

async function seed(client: pg.Client): Promise<Seeded> {
  const [channel] = (
    await client.query(
      `INSERT INTO channels (name, phone_number, api_generation, base_url, api_key_encrypted, api_key_last4, messages_per_second, webhook_username, webhook_password_hash)
       VALUES ('bench', '+4930123456', 'cloud', 'http://127.0.0.1:9', 'not-a-key', '0000', 80, 'bench', 'x') RETURNING id`,
    )
  ).rows as Array<{ id: string }>;
  const list = async (name: string) => ((await client.query('INSERT INTO lists (name) VALUES ($1) RETURNING id', [name])).rows[0] as { id: string }).id;
  const lists = { plain: await list('plain'), a: await list('a'), b: await list('b'), excluded: await list('excluded') };
  await client.query(
    `INSERT INTO contacts (phone, wa_id, first_name, country, attributes, opted_in_at, opt_in_source)
     SELECT '+49151' || lpad(g::text, 8, '0'), '49151' || lpad(g::text, 8, '0'), 'Name ' || g, 'DE',
       jsonb_build_object('city', CASE WHEN g % 10 = 3 THEN 'Hamburg' ELSE 'Berlin' END, 'plan', CASE WHEN g % 3 = 0 THEN 'pro' ELSE 'free' END),
       CASE WHEN g % 20 = 7 THEN timestamptz '2025-06-01' ELSE timestamptz '2026-02-01' END, 'bench'
     FROM generate_series(1, $1::int) g`,
    [T],
  );
  // Contact ids are 1..T in insertion order (a fresh identity).
  await client.query(`INSERT INTO list_members (list_id, contact_id) SELECT $1, g FROM generate_series(1, $2::int) g`, [lists.plain, N]);
  await client.query(`INSERT INTO list_members (list_id, contact_id) SELECT $1, g FROM generate_series(1, $2::int) g`, [lists.a, N]);
  await client.query(`INSERT INTO list_members (list_id, contact_id) SELECT $1, g FROM generate_series($2::int, $3::int) g`, [lists.b, Math.floor(N / 2), T]);
  await client.query(`INSERT INTO list_members (list_id, contact_id) SELECT $1, g FROM generate_series(1, $2::int) g WHERE g % 20 = 1`, [lists.excluded, T]);
  await client.query('VACUUM (ANALYZE) contacts');
  await client.query('VACUUM (ANALYZE) list_members');
  return { channelId: channel.id, lists };
}

/** One launch as the scheduler runs it: the frozen-audience INSERT … SELECT and MARK_LAUNCHED in one transaction. */
async function launch(client: pg.Client, seeded: Seeded, reach: { listId: string } | { audience: Audience }): Promise<{ ms: number; recipients: number; pending: number }> {
  const [campaign] = (
    await client.query(
      `INSERT INTO campaigns (name, channel_id, list_id, audience, template, status, scheduled_at, skip_template_check)
       VALUES ('bench', $1, $2, $3::jsonb, $4::jsonb, 'scheduled', now(), true) RETURNING id`,
      [seeded.channelId, 'listId' in reach ? reach.listId : null, 'audience' in reach ? JSON.stringify(reach.audience) : null, JSON.stringify(template)],
    )
  ).rows as Array<{ id: string }>;
  const audience: ResolvedAudience = 'listId' in reach ? oneList(reach.listId) : toResolved(reach.audience, null);
  const statement = buildLaunchStatement({ campaignId: campaign.id, channelId: seeded.channelId, audience, template });
  const started = performance.now();
  await client.query('BEGIN');
  const inserted = await client.query(statement.sql, statement.parameters);
  await client.query(MARK_LAUNCHED, [campaign.id]);
  await client.query('COMMIT');
  const ms = performance.now() - started;
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending'`, [campaign.id]);
  return { ms, recipients: inserted.rowCount ?? 0, pending: (rows[0] as { n: number }).n };
}

async function main(): Promise<void> {
  log(`# bench:audience — ${new Date().toISOString()}, Node ${process.version}`);
  log(`contacts: ${T.toLocaleString('en-US')}, plain list: ${N.toLocaleString('en-US')}, runs: ${RUNS} of each`);
  const pgServer = await benchPostgres('audience');
  const databaseName = `wa_bench_audience_${randomBytes(4).toString('hex')}`;
  await adminQuery(pgServer.adminUrl, `CREATE DATABASE ${databaseName}`);
  const url = new URL(pgServer.adminUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  log(`database: ${databaseName} on ${pgServer.label}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await runMigrationsWithLock(dataSourceOptions(databaseUrl, 2));
    await client.connect();
    const seedStarted = performance.now();
    const seeded = await seed(client);
    log(`seeded in ${seconds(performance.now() - seedStarted)} (then VACUUM ANALYZE)`);

    const checked = checkAudience({
      listIds: [seeded.lists.a, seeded.lists.b],
      excludeListIds: [seeded.lists.excluded],
      where: [
        { field: 'city', op: 'eq', value: 'Berlin' },
        { field: 'opted_in_at', op: 'after', value: '2026-01-01' },
      ],
    });
    if (!checked.ok) throw new Error(checked.problems.join('; '));
    const audience = checked.audience;

    const previewStarted = performance.now();
    const previewLaunch = { audience: toResolved(audience, null), channelId: seeded.channelId, template };
    const counts = previewCountsStatement(previewLaunch);
    const countRows = (await client.query(counts.sql, counts.parameters)).rows as Array<{ reach: number; opted_out: number }>;
    const sample = previewSampleStatement(previewLaunch, 10);
    await client.query(sample.sql, sample.parameters);
    const previewMs = performance.now() - previewStarted;
    const previewCount = countRows.reduce((sum, row) => sum + row.reach, 0);
    log(`preview of the audience: count ${previewCount.toLocaleString('en-US')} in ${seconds(previewMs)}`);
    log();

    const plain: number[] = [];
    const filtered: number[] = [];
    let previewMatches = true;
    for (let run = 1; run <= RUNS; run++) {
      for (const kind of run % 2 ? (['plain', 'audience'] as const) : (['audience', 'plain'] as const)) {
        // The counters follow campaign_recipients through triggers, which TRUNCATE does not fire; the ledger and replies name its rows.
        await client.query('TRUNCATE campaign_recipients, campaign_counters, campaign_cost_counters, frequency_ledger, campaign_replies');
        // Each launch starts from the same state: no dirty pages of the previous one to write meanwhile.
        await client.query('CHECKPOINT').catch(() => undefined);
        const result = await launch(client, seeded, kind === 'plain' ? { listId: seeded.lists.plain } : { audience });
        (kind === 'plain' ? plain : filtered).push(result.ms);
        if (kind === 'audience' && result.pending !== previewCount) previewMatches = false;
        log(`run ${run} ${kind.padEnd(8)} ${result.recipients.toLocaleString('en-US').padStart(11)} recipients (${result.pending.toLocaleString('en-US')} pending) in ${seconds(result.ms)}`);
      }
    }
    const plainMedian = median(plain);
    const audienceMedian = median(filtered);
    const ratio = audienceMedian / plainMedian;
    log();
    log(`plain one-list launch (median):                 ${seconds(plainMedian)}`);
    log(`audience launch, 2 lists − exclusion, 2 clauses: ${seconds(audienceMedian)}`);
    log(`ratio: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×): ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`);
    log(`preview count = pending recipients the audience launch froze: ${previewMatches ? 'yes' : 'NO'}`);
    process.exitCode = ratio <= TARGET_RATIO && previewMatches ? 0 : 1;
  } catch (error) {
    process.exitCode = 1;
    log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
    if (KEEP) log(`kept database ${databaseUrl}`);
    else await adminQuery(pgServer.adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await pgServer.stop();
  }
}

await main();
