import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/app-config.js';
import { ChannelLimiters } from '../src/sender/channel-limiters.js';

// Runs in the Redis suite (`npm run test:redis`, REDIS_URL required): .ci/run starts it.
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required for the Redis suite (e.g. redis://127.0.0.1:6379)');

const configFor = (url = redisUrl) => loadConfig({ NODE_ENV: 'test', API_TOKEN: 'redis-suite-token-123', ENCRYPTION_KEY: '00'.repeat(32), REDIS_URL: url, DATA_DIR: '/tmp/wa-redis-suite' });

async function sendFor(limiters: ChannelLimiters, channelId: string, mps: number, seconds: number, log: number[]): Promise<void> {
  const batch = limiters.batchSize(channelId, mps);
  const deadline = Date.now() + seconds * 1000;
  const jobs: Array<Promise<void>> = [];
  while (Date.now() < deadline) {
    jobs.push(
      limiters.schedule(channelId, mps, async () => {
        for (let i = 0; i < batch; i += 1) log.push(Date.now());
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.race([Promise.allSettled(jobs), new Promise((resolve) => setTimeout(resolve, 2000))]);
}

describe('channel limiters on Redis', () => {
  const admin = new Redis(redisUrl);
  afterAll(() => admin.quit());

  it('keeps sending after Redis loses its keys mid-run (patched Bottleneck)', async () => {
    const limiters = new ChannelLimiters(configFor());
    const channelId = randomUUID();
    const sent: number[] = [];
    const run = sendFor(limiters, channelId, 200, 3, sent);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = sent.length;
    await admin.flushall();
    await run;
    const afterFlush = sent.filter((at) => at > Date.now() - 1500).length;
    await limiters.onApplicationShutdown();
    expect(before).toBeGreaterThan(50);
    expect(afterFlush).toBeGreaterThan(100);
  });

  it('shutdown drops the queued jobs and refuses new ones, so nothing touches the closed connection afterwards', async () => {
    const limiters = new ChannelLimiters(configFor());
    const channelId = randomUUID();
    const errors = jest.spyOn(Logger.prototype, 'error');
    try {
      // 10 msg/s, one message per job: 40 jobs take about 4 s, so most are still queued at shutdown.
      const jobs = Array.from({ length: 40 }, () => limiters.schedule(channelId, 10, async () => Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 350));
      await limiters.onApplicationShutdown();
      const settled = await Promise.allSettled(jobs);
      expect(settled.filter((job) => job.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
      expect(settled.filter((job) => job.status === 'rejected').length).toBeGreaterThan(30);
      expect(() => limiters.get(channelId, 10)).toThrow(/shut down/);
      // Before the fix the queued jobs were never dropped: Bottleneck kept retrying them against the
      // closed connection every few milliseconds, each logging "Connection is closed", and kept the
      // process alive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(errors.mock.calls.map(([message]) => String(message))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it('two instances share one rate per channel', async () => {
    const a = new ChannelLimiters(configFor());
    const b = new ChannelLimiters(configFor());
    const channelId = randomUUID();
    const sent: number[] = [];
    await Promise.all([sendFor(a, channelId, 100, 3, sent), sendFor(b, channelId, 100, 3, sent)]);
    await Promise.all([a.onApplicationShutdown(), b.onApplicationShutdown()]);
    sent.sort((x, y) => x - y);
    let maxInAnySecond = 0;
    for (let i = 0, j = 0; i < sent.length; i += 1) {
      while (sent[i] - sent[j] >= 1000) j += 1;
      maxInAnySecond = Math.max(maxInAnySecond, i - j + 1);
    }
    // One shared limit of 100/s: two separate limiters would allow ~200/s.
    expect(maxInAnySecond).toBeLessThanOrEqual(110);
    expect(sent.length).toBeGreaterThan(200);
  });

  it('with Redis unreachable, a batch waits for its place in the shared sliding second instead of sending without one, until shutdown', async () => {
    // Nothing listens on port 1: ioredis keeps reconnecting and holds the command.
    const refused = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const limiters = new ChannelLimiters(configFor('redis://127.0.0.1:1'));
      const channelId = randomUUID();
      limiters.get(channelId, 40);
      let settled = false;
      const reserved = limiters.reserveSend(channelId, 40, 4).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await limiters.onApplicationShutdown();
      await expect(reserved).rejects.toThrow(/shut down/);
    } finally {
      refused.mockRestore();
    }
  });
});
