import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, recipientStatuses, seedList, waitFor } from './fixtures.js';

/**
 * Issue 15, Redis goes away (REDIS_URL set): a Redis server of its own (redis-server on a free port) is
 * stopped for a few seconds mid-campaign and started again. /health answers 503 while it is down, sending
 * pauses (the shared limiters cannot grant a slot) without failing anyone, and afterwards the campaign
 * finishes with each recipient sent once.
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

async function answers(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor('redis up', () => answers(port), 10_000, 100);
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('Redis stopped mid-campaign', () => {
  let port: number;
  let redis: ChildProcess;
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    sandbox = await createSandbox();
    engine = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, SEND_LEASE_SECONDS: '5' } });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await sandbox?.close();
    if (redis.exitCode === null) await stopRedis(redis);
  }, 60_000);

  it('health 503 and no sends while it is down, none failed, each sent once after it is back', async () => {
    const count = 200;
    sandbox.addKey('redis-outage', 'cloud');
    const channel = await createChannel(engine, { name: 'redis outage', phoneNumber: '+4930123456', apiKey: 'redis-outage', apiGeneration: 'cloud', baseUrl: sandbox.url, messagesPerSecond: 20 });
    const phones = Array.from({ length: count }, (_, i) => `+49156${String(i).padStart(8, '0')}`);
    const { listId } = await seedList(engine.dataSource, 'redis outage', phones.map((phone) => ({ phone })));
    const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
    const launched = await request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'Redis outage', channelId: channel.id, listId, template, scheduledAt: new Date().toISOString() }).expect(201);
    const campaignId = launched.body.id as string;

    await waitFor('sends under way', async () => sandbox.stats().accepted >= 40, 60_000, 20);
    await stopRedis(redis);
    await waitFor('/health 503', async () => (await request(engine.url).get('/health')).status === 503, 10_000, 100);
    // What was granted before the stop may still go out; after that, nothing while Redis is down.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const acceptedWhileDown = sandbox.stats().accepted;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(sandbox.stats().accepted).toBe(acceptedWhileDown);
    expect(acceptedWhileDown).toBeLessThan(count);
    expect((await request(engine.url).get('/health')).status).toBe(503);
    expect((await recipientStatuses(engine.dataSource, campaignId)).failed ?? 0).toBe(0);

    redis = await startRedis(port);
    await waitFor('completion', async () => ((await request(engine.url).get(`/v1/campaigns/${campaignId}`).set(engine.auth)).body as { status: string }).status === 'completed', 120_000, 500);
    expect((await request(engine.url).get('/health')).status).toBe(200);
    const accepted = sandbox.acceptedByWaId();
    expect(phones.map((phone) => phone.slice(1)).filter((waId) => accepted.get(waId) !== 1)).toEqual([]);
    expect((await recipientStatuses(engine.dataSource, campaignId)).failed ?? 0).toBe(0);
  }, 240_000);
});
