import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, recipientStatuses, seedList, waitFor } from './fixtures.js';

/**
 * Issue 15, the database goes away: a PostgreSQL server of its own (embedded, own port and data folder)
 * is stopped for about 10 s in the middle of a running campaign with status webhooks flowing, then
 * started again. The engine must reconnect by itself and finish: each recipient sent once, none failed,
 * every status the sandbox got a 200 for stored and applied, /health 503 while the server was down.
 */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('PostgreSQL restarted mid-campaign', () => {
  let folder: string;
  let port: number;
  let database: EmbeddedDatabase;
  let sandbox: Sandbox;
  let engine: TestApp;
  /** The engine's log lines (its access log says what each webhook POST was answered). */
  const logLines: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'wa-outage-'));
    port = await freePort();
    database = await startEmbeddedPostgres({ dataDir: folder, port, database: 'outage' });
    sandbox = await createSandbox();
    engine = await createTestApp({ databaseUrl: database.url, env: { SEND_LEASE_SECONDS: '5', UNKNOWN_OUTCOME_GRACE_SECONDS: '5' },
      logStream: { write: (line: string) => void logLines.push(line) },
    });
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await sandbox?.close();
    await database?.stop();
    rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it('sends each recipient once, fails none, stores every acknowledged status, and /health says 503 while it is down', async () => {
    const count = 300;
    sandbox.addKey('outage-key', 'cloud');
    const channel = await createChannel(engine, {
      name: 'outage',
      phoneNumber: '+4930123456',
      apiKey: 'outage-key',
      apiGeneration: 'cloud',
      baseUrl: sandbox.url,
      messagesPerSecond: 20,
    });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    const phones = Array.from({ length: count }, (_, i) => `+49155${String(i).padStart(8, '0')}`);
    const { listId } = await seedList(engine.dataSource, 'outage', phones.map((phone) => ({ phone })));
    const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
    const launched = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Outage', channelId: channel.id, listId, template, scheduledAt: new Date().toISOString() })
      .expect(201);
    const campaignId = launched.body.id as string;

    await waitFor('sends under way', async () => sandbox.stats().accepted >= 60, 60_000, 20);
    const health: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        health.push((await request(engine.url).get('/health').timeout(5000).catch(() => ({ status: 0 }))).status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    await database.stop();
    const acceptedWhenDown = sandbox.stats().accepted;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const downHealth = [...health];
    database = await startEmbeddedPostgres({ dataDir: folder, port, database: 'outage' });
    expect(acceptedWhenDown).toBeLessThan(count);

    await waitFor(
      'completion',
      async () => ((await request(engine.url).get(`/v1/campaigns/${campaignId}`).set(engine.auth)).body as { status: string }).status === 'completed',
      120_000,
      500,
    );
    expect(await sandbox.webhooksIdle(60_000)).toBe(true);
    probing = false;
    await probe;

    expect(downHealth).toContain(503);
    expect(downHealth.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(health[health.length - 1]).toBe(200);
    const accepted = sandbox.acceptedByWaId();
    expect(phones.map((phone) => phone.slice(1)).filter((waId) => accepted.get(waId) !== 1)).toEqual([]);
    // Each webhook POST was answered 2xx (stored) or 503 (not stored: 360dialog sends it again), never anything
    // else (the access log: 2xx lines may be left out at the default level, the others are all there).
    const webhookAnswers = logLines.flatMap((line) => /"msg":"POST \/webhooks\/360dialog\/:channelId (\d+)"/.exec(line)?.[1] ?? []);
    expect(webhookAnswers).toContain('503');
    expect(webhookAnswers.filter((status) => !status.startsWith('2') && status !== '503')).toEqual([]);
    const stats = sandbox.stats().webhooks;
    expect(stats.failedAttempts).toBeGreaterThan(0); // the outage was felt by the webhooks too
    expect(stats.givenUp).toBe(0);
    // Every status answered 200 is stored once (message_events is the duplicate guard) and applied.
    await waitFor('statuses applied', async () => (await recipientStatuses(engine.dataSource, campaignId)).read === count, 60_000, 500);
    const [events] = (await engine.dataSource.query(
      `SELECT count(*)::int AS n FROM message_events e JOIN campaign_recipients r ON r.message_id = e.message_id WHERE r.campaign_id = $1`,
      [campaignId],
    )) as Array<{ n: number }>;
    expect(events.n).toBe(count * 3);
    expect(await recipientStatuses(engine.dataSource, campaignId)).toEqual({ read: count });
  }, 300_000);
});
