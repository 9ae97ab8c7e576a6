import { Redis } from 'ioredis';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import type { TestApp } from './app.js';
import { closeEngines, expectEachOnce, scheduleSharedCampaign, startTwoEngines, waitForCompletion } from './multi-engine.js';

// Runs in the Redis suite (`npm run test:redis`, REDIS_URL required, files in band): .ci/run starts Redis.
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required for the Redis suite (e.g. redis://127.0.0.1:6379)');

describe('two engines sharing one channel rate through Redis', () => {
  const MPS = 40;
  let sandbox: Sandbox;
  let engines: [TestApp, TestApp];
  const admin = new Redis(redisUrl);

  beforeAll(async () => {
    // No limit at the sandbox: it only measures the busiest second, so the engines' own pacing shows.
    sandbox = await createSandbox();
    engines = await startTwoEngines({ REDIS_URL: redisUrl, SCHEDULER_INTERVAL_MS: '100' });
  });
  beforeEach(() => sandbox.reset());
  afterAll(async () => {
    await closeEngines(engines);
    await sandbox.close();
    await admin.quit();
  });

  it('send each recipient once and together hold the channel rate', async () => {
    const count = 200; // about 5 s at 40 msg/s
    const { campaignId, waIds } = await scheduleSharedCampaign(engines[0], sandbox, {
      apiKey: 'shared-rate',
      count,
      firstPhone: 4915300000000,
      messagesPerSecond: MPS,
      dueInMs: 500,
    });
    await waitForCompletion(engines[1], campaignId, count, 60_000);
    expectEachOnce(sandbox, waIds);
    // Two engines with their own limiters reach about twice the rate (measured: 88 in one second).
    // A few over the limit are timer jitter at the edges of a sliding second.
    expect(sandbox.stats().maxAcceptedInOneSecond).toBeLessThanOrEqual(MPS * 1.1);
  });

  it('keep sending, each recipient once, after Redis loses its keys mid-campaign', async () => {
    const count = 200;
    const { campaignId, waIds } = await scheduleSharedCampaign(engines[0], sandbox, {
      apiKey: 'shared-rate-flush',
      count,
      firstPhone: 4915400000000,
      messagesPerSecond: MPS,
      dueInMs: 500,
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const beforeFlush = sandbox.stats().accepted;
    await admin.flushall();
    await waitForCompletion(engines[1], campaignId, count, 60_000);
    expect(beforeFlush).toBeGreaterThan(20);
    expect(beforeFlush).toBeLessThan(count);
    // Throttling answers right after the flush are retried (never counted as failures): each one once.
    expectEachOnce(sandbox, waIds);
  });
});
