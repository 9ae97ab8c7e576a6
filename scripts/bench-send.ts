/**
 * Sender benchmark: `npm run bench:send` runs three scenarios against the in-process sandbox
 * and a built engine child process (DATABASE_URL or 127.0.0.1:5432 when it answers, else an embedded
 * PostgreSQL owned by this script):
 *   (a) throughput: 40,000 recipients, no rate limit anywhere → messages/s with outcomes persisted, and
 *       the send floor (scripts/floors/floor-send.mjs) against the same sandbox settings in the same run,
 *       once before and once after the engine: rates measured at the sandbox (accepted ÷ time from first
 *       to last accepted), and the engine's ratio to the floors' mean;
 *   (b) rate: 3,000 recipients, sandbox and channel at 100 msg/s → achieved rate, throttling answers;
 *   (c) crash: a Cloud campaign, kill -9 the engine twice mid-campaign, restart, then count
 *       duplicates and missing recipients as the sandbox saw them.
 * Options: --only a|b|c, --recipients-a N, --recipients-c N.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { apiClient, type EngineProcess, freePort, freshDatabase, startEngine } from './lib/engine-process.js';
import { compareToFloor, sendFloor, settleDatabase } from './lib/floors.js';
import { compareCpu, cpuMark, cpuSince, type CpuUsage, describeCpu } from './lib/machine-cpu.js';

/** Issue 18: sending at least this share of the floor's rate. */
const SEND_TARGET = 0.7;

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const only = option('only', 'abc');
const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };

let embeddedServer: { url: string; stop(): Promise<void> } | undefined;
let embeddedDataDir: string | undefined;

/** Databases this run created on a server of the user's: dropped at the end, as bench:import does. */
const createdDatabases: Array<() => Promise<void>> = [];

async function database(prefix: string): Promise<string> {
  const fresh = await freshDatabase(prefix);
  if (fresh) {
    createdDatabases.push(fresh.drop);
    return fresh.url;
  }
  embeddedDataDir ??= mkdtempSync(join(tmpdir(), 'wa-bench-pg-'));
  embeddedServer ??= await startEmbeddedPostgres({
    dataDir: embeddedDataDir,
    port: await freePort(),
    database: 'postgres',
  });
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: embeddedServer.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(embeddedServer.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Contacts and a list, written set-based (the import has its own benchmark). */
async function seed(databaseUrl: string, count: number): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [list] = (await client.query(`INSERT INTO lists (name) VALUES ('bench') RETURNING id`)).rows as Array<{ id: string }>;
  await client.query(
    `WITH inserted AS (
       INSERT INTO contacts (phone, wa_id, first_name, opted_in_at, opt_in_source)
       SELECT '+49151' || lpad(g::text, 8, '0'), '49151' || lpad(g::text, 8, '0'), 'Name ' || g, now(), 'bench'
       FROM generate_series(1, $1::int) g RETURNING id)
     INSERT INTO list_members (list_id, contact_id) SELECT $2, id FROM inserted`,
    [count, list.id],
  );
  await client.end();
  return list.id;
}

async function counts(client: pg.Client, campaignId: string): Promise<Record<string, number>> {
  const rows = (await client.query('SELECT status, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status', [campaignId])).rows as Array<{
    status: string;
    n: number;
  }>;
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

async function prepare(engine: EngineProcess, sandbox: Sandbox, apiKey: string, mps: number, listId: string): Promise<string> {
  const api = apiClient(engine);
  const channel = await api<{ id: string }>('POST', '/v1/channels', {
    name: 'bench',
    phoneNumber: '+4930123456',
    apiKey,
    apiGeneration: 'cloud',
    baseUrl: sandbox.url,
    messagesPerSecond: mps,
  });
  await api('POST', `/v1/channels/${channel.id}/webhook`);
  const campaign = await api<{ id: string }>('POST', '/v1/campaigns', {
    name: 'bench',
    channelId: channel.id,
    listId,
    template,
    scheduledAt: new Date().toISOString(),
  });
  return campaign.id;
}

/**
 * Polls every 100 ms on one connection (a new connection per poll, a backend process started each
 * time, took CPU from the engine while it was being measured), and asks only whether rows are still
 * pending or sending (an index range); the final states are counted once at the end.
 */
async function waitUntilSettled(databaseUrl: string, campaignId: string, timeoutMs: number): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [open] = (
        await client.query(
          `SELECT EXISTS (SELECT 1 FROM campaign_recipients WHERE campaign_id = $1 AND status IN ('pending', 'sending')) AS busy,
             EXISTS (SELECT 1 FROM campaign_recipients WHERE campaign_id = $1) AS launched`,
          [campaignId],
        )
      ).rows as Array<{ busy: boolean; launched: boolean }>;
      if ((open.launched && !open.busy) || Date.now() > deadline) return await counts(client, campaignId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

/** Accepted messages per second at the sandbox, from the first accepted to the last. */
function acceptedRate(stats: { accepted: number; firstAcceptedAt: string | null; lastAcceptedAt: string | null }): number {
  const seconds = (Date.parse(stats.lastAcceptedAt ?? '') - Date.parse(stats.firstAcceptedAt ?? '')) / 1000;
  return (stats.accepted - 1) / seconds;
}

/** The send floor against a sandbox configured as for the engine's run (a). */
async function floorThroughput(recipients: number, when: 'before' | 'after'): Promise<{ rate: number; cpu: CpuUsage | null }> {
  const databaseUrl = await database('bench_send_floor');
  const sandbox = await createSandbox({ messagesPerSecond: null, statuses: [] });
  sandbox.addKey('bench-key-floor', 'cloud');
  try {
    await settleDatabase(databaseUrl);
    const mark = cpuMark();
    const floor = await sendFloor({ fakeUrl: sandbox.url, apiKey: 'bench-key-floor', databaseUrl, recipients });
    const cpu = cpuSince(mark);
    const stats = sandbox.stats();
    console.log(`    floor (${when} the engine): accepted by sandbox ${stats.accepted} (floor says ${floor.sent} sent in ${floor.seconds.toFixed(2)} s), duplicates: ${stats.duplicateMessages}`);
    console.log(`      ${describeCpu(cpu, recipients, 'message')} (the floor started, its table seeded, sent, every outcome stored)`);
    return { rate: acceptedRate(stats), cpu };
  } finally {
    await sandbox.close();
  }
}

async function throughput(recipients: number): Promise<void> {
  // The floor before and after the engine (compareToFloor: the machine's speed drifts within minutes).
  const floorBefore = await floorThroughput(recipients, 'before');
  const databaseUrl = await database('bench_send_a');
  const sandbox = await createSandbox({ messagesPerSecond: null, statuses: [] });
  sandbox.addKey('bench-key-a', 'cloud');
  // BENCH_ENGINE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the engine, as in bench-import.
  const nodeOptions = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const engine = await startEngine({ databaseUrl, nodeOptions, env: { SENDER_BATCH_SIZE: '1000' } });
  let engineRate = 0;
  let engineCpu: CpuUsage | null = null;
  let complete = false;
  try {
    const listId = await seed(databaseUrl, recipients);
    await settleDatabase(databaseUrl);
    const mark = cpuMark();
    const campaignId = await prepare(engine, sandbox, 'bench-key-a', 10_000, listId);
    const final = await waitUntilSettled(databaseUrl, campaignId, 300_000);
    const persistedAt = Date.now();
    engineCpu = cpuSince(mark);
    const stats = sandbox.stats();
    const first = Date.parse(stats.firstAcceptedAt ?? '');
    const seconds = (persistedAt - first) / 1000;
    console.log(`(a) throughput: ${recipients} recipients, no rate limit`);
    console.log(`    accepted by sandbox: ${stats.accepted}, duplicates: ${stats.duplicateMessages}, final states: ${JSON.stringify(final)}`);
    console.log(`    first accept → last outcome persisted: ${seconds.toFixed(2)} s → ${(recipients / seconds).toFixed(0)} messages/s`);
    console.log(`    busiest second at the sandbox: ${stats.maxAcceptedInOneSecond} messages; engine peak RSS ${engine.peakRssMb().toFixed(0)} MB`);
    console.log(`    ${describeCpu(engineCpu, recipients, 'message')} (channel and campaign created, sent, every outcome stored)`);
    engineRate = acceptedRate(stats);
    complete = stats.duplicateMessages === 0 && final.sent === recipients;
  } finally {
    await engine.stop();
    await sandbox.close();
  }
  // After the engine has stopped: the two never compete for the machine.
  const floorAfter = await floorThroughput(recipients, 'after');
  const verdict = compareToFloor('    send rate at the sandbox', engineRate, [floorBefore.rate, floorAfter.rate], 'msg/s', SEND_TARGET, 'higher');
  console.log(`${verdict.line}; 0 duplicates and every outcome stored: ${complete ? 'ok' : 'MISSED'}`);
  const cpu = compareCpu({ usage: engineCpu, count: recipients }, [floorBefore, floorAfter].map((floor) => ({ usage: floor.cpu, count: recipients })), 'message');
  if (cpu) console.log(`    ${cpu}`);
  if (!verdict.ok || !complete) process.exitCode = 1;
}

async function rate(recipients: number, mps: number): Promise<void> {
  const databaseUrl = await database('bench_send_b');
  const sandbox = await createSandbox({ messagesPerSecond: mps, rateWindow: 'sliding', statuses: ['sent', 'delivered'] });
  sandbox.addKey('bench-key-b', 'cloud');
  const engine = await startEngine({ databaseUrl });
  try {
    const listId = await seed(databaseUrl, recipients);
    const campaignId = await prepare(engine, sandbox, 'bench-key-b', mps, listId);
    const final = await waitUntilSettled(databaseUrl, campaignId, 300_000);
    const stats = sandbox.stats();
    const seconds = (Date.parse(stats.lastAcceptedAt ?? '') - Date.parse(stats.firstAcceptedAt ?? '')) / 1000;
    console.log(`(b) rate: ${recipients} recipients, sandbox and channel at ${mps} msg/s`);
    console.log(`    accepted: ${stats.accepted} in ${seconds.toFixed(2)} s → ${((stats.accepted - 1) / seconds).toFixed(1)} msg/s achieved`);
    console.log(`    most in any 1-second window: ${stats.maxAcceptedInOneSecond}; throttling answers: ${stats.throttled}; final states: ${JSON.stringify(final)}`);
  } finally {
    await engine.stop();
    await sandbox.close();
  }
}

async function crash(recipients: number): Promise<void> {
  const databaseUrl = await database('bench_send_c');
  const sandbox = await createSandbox({ messagesPerSecond: null, statuses: ['sent', 'delivered'], statusDelaysMs: { sent: 5, delivered: 20 } });
  sandbox.addKey('bench-key-c', 'cloud');
  // Short lease and grace so that the run ends in about a minute; the logic is the same at 600 s.
  // One ENCRYPTION_KEY for every start: the restarted engine must read the channel's stored API key.
  const env = { SEND_LEASE_SECONDS: '5', UNKNOWN_OUTCOME_GRACE_SECONDS: '15', UNKNOWN_OUTCOME_MAX_WAIT_SECONDS: '120', SENDER_BATCH_SIZE: '500', ENCRYPTION_KEY: randomBytes(32).toString('hex') };
  const port = await freePort();
  let engine = await startEngine({ databaseUrl, env, port });
  try {
    const listId = await seed(databaseUrl, recipients);
    const campaignId = await prepare(engine, sandbox, 'bench-key-c', 1000, listId);
    for (const round of [1, 2]) {
      const target = Math.round((recipients * round) / 3);
      while (sandbox.stats().accepted < target) await new Promise((resolve) => setTimeout(resolve, 10));
      await engine.kill9();
      console.log(`(c) kill -9 #${round} after ${sandbox.stats().accepted} messages accepted`);
      engine = await startEngine({ databaseUrl, env, port });
    }
    const final = await waitUntilSettled(databaseUrl, campaignId, 180_000);
    await sandbox.webhooksIdle(30_000);
    const byWaId = sandbox.acceptedByWaId();
    let missing = 0;
    for (let n = 1; n <= recipients; n += 1) if (!byWaId.get(`49151${String(n).padStart(8, '0')}`)) missing += 1;
    const stats = sandbox.stats();
    console.log(`(c) crash: ${recipients} recipients, Cloud channel, two kill -9 mid-campaign`);
    console.log(`    accepted: ${stats.accepted}, unique recipients: ${stats.uniqueRecipients}, duplicates: ${stats.duplicateMessages}, missing: ${missing}`);
    console.log(`    final states: ${JSON.stringify(final)}`);
  } finally {
    await engine.stop();
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  if (only.includes('a')) await throughput(Number(option('recipients-a', '40000')));
  if (only.includes('b')) await rate(3000, 100);
  if (only.includes('c')) await crash(Number(option('recipients-c', '20000')));
  await cleanUp();
}

async function cleanUp(): Promise<void> {
  for (const drop of createdDatabases.splice(0)) await drop().catch((error: unknown) => console.error(`dropping a benchmark database failed: ${String(error)}`));
  await embeddedServer?.stop();
  if (embeddedDataDir) rmSync(embeddedDataDir, { recursive: true, force: true });
}

main().catch(async (error: unknown) => {
  console.error(error);
  await cleanUp();
  process.exit(1);
});
