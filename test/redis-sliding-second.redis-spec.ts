import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MaxInWindowTracker } from '../src/sandbox/rate-window.js';
import { RedisSlidingSecond, sendWindowKeys, type SharedReservation } from '../src/sender/redis-sliding-second.js';

// Runs in the Redis suite (`npm run test:redis`, REDIS_URL required): .ci/run starts it.
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required for the Redis suite (e.g. redis://127.0.0.1:6379)');

const WINDOW_MS = 1020;
const LIMIT = 40;
const BATCH = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isPlace = (reserved: SharedReservation | number): reserved is SharedReservation => typeof reserved !== 'number';

describe('RedisSlidingSecond', () => {
  const admin = new Redis(redisUrl);
  const clients = [new Redis(redisUrl), new Redis(redisUrl)];
  afterAll(() => Promise.all([admin, ...clients].map((client) => client.quit())));

  async function redisNow(): Promise<number> {
    const [seconds, micros] = await admin.time();
    return Number(seconds) * 1000 + Number(micros) / 1000;
  }

  /** Batches already out (or still confirming), as [count, age in ms, sent]. */
  type Batch = [number, number, boolean];

  // SlidingSecond's table (sliding-second.spec.ts) seen from Redis, with times as ages from the
  // Redis clock and away from the edges: a few milliseconds pass between seeding and asking.
  it.each<[string, Batch[], number, number, number]>([
    ['an empty window: go', [], 10, 100, 0],
    ['room left: go', [[10, 800, true], [10, 700, true]], 10, 100, 0],
    ['exactly full after this batch: go', Array.from({ length: 9 }, (_, i): Batch => [10, (i + 1) * 90, true]), 10, 100, 0],
    ['full: wait until the oldest batch leaves the window', Array.from({ length: 10 }, (_, i): Batch => [10, (i + 1) * 90, true]), 10, 100, 100],
    ['older batches no longer count', [[10, 1100, true], [10, 1050, true]], 90, 100, 0],
    ['a batch still confirming counts: wait for a sent one to leave', [[50, 60, false], [50, 10, true]], 10, 100, 990],
    ['a batch still confirming holds its place within the lease', [[100, 5000, false]], 10, 100, 10],
    ['a batch still confirming past the lease is dropped', [[100, 31_000, false]], 10, 100, 0],
    ['a batch larger than the limit goes alone', [], 150, 100, 0],
    ['a batch larger than the limit waits for the others', [[10, 100, true]], 150, 100, 900],
  ])('%s', async (_name, batches, count, limit, delay) => {
    const channelId = randomUUID();
    const keys = sendWindowKeys(channelId);
    const now = await redisNow();
    for (const [index, [batchCount, age, sent]] of batches.entries()) await admin.zadd(sent ? keys.sent : keys.pending, now - age, `${batchCount}:seed-${index}`);
    const reserved = await new RedisSlidingSecond(clients[0], 1000).reserve(channelId, count, limit);
    if (delay === 0) expect(isPlace(reserved)).toBe(true);
    else if (delay === 10) expect(reserved).toBe(10);
    else {
      expect(reserved).toBeLessThanOrEqual(delay);
      expect(reserved).toBeGreaterThan(delay - 20);
    }
    await admin.del(keys.pending, keys.sent);
  });

  it('counts a batch from when it was sent, not from when it was reserved', async () => {
    const window = new RedisSlidingSecond(clients[0], 1000);
    const channelId = randomUUID();
    const late = await window.reserve(channelId, LIMIT, LIMIT);
    if (!isPlace(late)) throw new Error('an empty window should take the batch');
    await sleep(200);
    await window.markSent(late);
    const delay = await window.reserve(channelId, BATCH, LIMIT);
    expect(delay).toBeGreaterThan(980);
    expect(delay).toBeLessThanOrEqual(1000);
  });

  it('two instances on two connections together never admit more than the limit in any sliding second', async () => {
    const windows = clients.map((client) => new RedisSlidingSecond(client, WINDOW_MS));
    const channelId = randomUUID();
    const sentAt: number[] = [];
    const sentBy = [0, 0];
    const deadline = Date.now() + 3500;
    // Three batches in flight per instance, each confirm taking 0-60 ms (a slow database), one in ten sending nothing.
    const sender = async (index: number) => {
      while (Date.now() < deadline) {
        const place = await windows[index].reserve(channelId, BATCH, LIMIT);
        if (!isPlace(place)) {
          await sleep(place);
          continue;
        }
        await sleep(Math.random() * 60);
        if (Math.random() < 0.1) {
          await windows[index].release(place);
          continue;
        }
        for (let i = 0; i < BATCH; i += 1) sentAt.push(Date.now());
        sentBy[index] += BATCH;
        void windows[index].markSent(place);
      }
    };
    await Promise.all([0, 0, 0, 1, 1, 1].map(sender));
    // Counted as the sandbox counts 360dialog's second: the most in any (t - 1000 ms, t].
    const busiest = new MaxInWindowTracker(1000);
    for (const at of sentAt.sort((a, b) => a - b)) busiest.record(at);
    expect(busiest.max).toBeLessThanOrEqual(LIMIT);
    // Close to the limit all the way: 40 at once, then 40 a window for the rest of the 3.5 s.
    expect(sentAt.length).toBeGreaterThanOrEqual(LIMIT * 3);
    for (const sent of sentBy) expect(sent).toBeGreaterThan(0);
  });

  it('gives the place of a reservation never sent nor released back once its lease runs out', async () => {
    const [crashed, survivor] = clients.map((client) => new RedisSlidingSecond(client, WINDOW_MS, 300));
    const channelId = randomUUID();
    expect(isPlace(await crashed.reserve(channelId, LIMIT, LIMIT))).toBe(true);
    expect(await survivor.reserve(channelId, BATCH, LIMIT)).toBe(10);
    await sleep(320);
    expect(isPlace(await survivor.reserve(channelId, BATCH, LIMIT))).toBe(true);
  });

  it('starts an empty window after Redis loses its keys, and still counts a batch reserved before', async () => {
    const [a, b] = clients.map((client) => new RedisSlidingSecond(client, WINDOW_MS));
    const channelId = randomUUID();
    const full = await a.reserve(channelId, LIMIT - BATCH, LIMIT);
    const before = await a.reserve(channelId, BATCH, LIMIT);
    if (!isPlace(full) || !isPlace(before)) throw new Error('an empty window should take both batches');
    await a.markSent(full);
    expect(await b.reserve(channelId, BATCH, LIMIT)).toBeGreaterThan(1000);
    await admin.flushall();
    const after = await b.reserve(channelId, LIMIT - BATCH, LIMIT);
    expect(isPlace(after)).toBe(true);
    // Reserved before the flush and sent after it: it went out, so it counts.
    await a.markSent(before);
    expect(await b.reserve(channelId, BATCH, LIMIT)).toBeGreaterThan(1000);
    if (isPlace(after)) await b.release(after);
    expect(isPlace(await b.reserve(channelId, LIMIT - BATCH, LIMIT))).toBe(true);
  });

  it('leaves nothing behind once a channel is idle for a window', async () => {
    const window = new RedisSlidingSecond(clients[0], 300);
    const channelId = randomUUID();
    const keys = sendWindowKeys(channelId);
    const sent = await window.reserve(channelId, BATCH, LIMIT);
    const released = await window.reserve(channelId, BATCH, LIMIT);
    if (!isPlace(sent) || !isPlace(released)) throw new Error('an empty window should take both batches');
    expect(await admin.pttl(keys.pending)).toBeGreaterThan(20_000);
    await window.markSent(sent);
    await window.release(released);
    expect(await admin.exists(keys.pending)).toBe(0);
    expect(await admin.pttl(keys.sent)).toBeLessThanOrEqual(300);
    await sleep(350);
    expect(await admin.exists(keys.sent)).toBe(0);
  });
});
