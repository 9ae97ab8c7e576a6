import { Redis } from 'ioredis';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import type { TestApp } from './app.js';
import { closeEngines, expectEachOnce, scheduleSharedCampaign, startTwoEngines, waitForCompletion } from './multi-engine.js';

// Runs in the Redis suite (`npm run test:redis`, REDIS_URL required): .ci/run starts Redis.
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required for the Redis suite (e.g. redis://127.0.0.1:6379)');

describe('two engines sharing one channel rate through Redis', () => {
  const MPS = 40;
  let sandbox: Sandbox;
  let engines: [TestApp, TestApp];
  const admin = new Redis(redisUrl);

  beforeAll(async () => {
    // The sandbox enforces the channel's real limit: any excess is answered with 130429 and counted.
    sandbox = await createSandbox({ messagesPerSecond: MPS, rateWindow: 'sliding' });
    engines = await startTwoEngines({ REDIS_URL: redisUrl, SCHEDULER_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await closeEngines(engines);
    await sandbox.close();
    await admin.quit();
  });

  it('send each recipient once, hold the shared rate, and keep sending after Redis loses its keys', async () => {
    const count = 240; // about 6 s at 40 msg/s
    const { campaignId, waIds } = await scheduleSharedCampaign(engines[0], sandbox, {
      apiKey: 'shared-rate',
      count,
      firstPhone: 4915300000000,
      messagesPerSecond: MPS,
      dueInMs: 500,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const beforeFlush = sandbox.stats().accepted;
    await admin.flushall();
    await waitForCompletion(engines[1], campaignId, count, 60_000);

    expect(beforeFlush).toBeGreaterThan(20);
    expect(beforeFlush).toBeLessThan(count);
    expectEachOnce(sandbox, waIds);
    const stats = sandbox.stats();
    expect(stats.throttled).toBe(0);
    // Two engines with their own limiters would reach about twice the rate.
    expect(stats.maxAcceptedInOneSecond).toBeLessThanOrEqual(MPS);
  });
});
