import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { errorMessage } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { type RatePlan, ratePlan } from './rate-plan.js';
import { RedisSlidingSecond, type SharedReservation } from './redis-sliding-second.js';
import { type SendReservation, SlidingSecond } from './sliding-second.js';

/** A batch's place in its channel's sliding second: this process's, or every process's through Redis. */
export type SendPlace = SendReservation | SharedReservation;

/** After a throttling answer the channel runs at half its rate for this long. */
const SLOWDOWN_MS = 30_000;
const SLOWDOWN_FACTOR = 0.5;
const STOP_TIMEOUT_MS = 5_000;
/**
 * The provider's second plus 20 ms for the way there (loopback to a few ms of network jitter). Batches
 * on time (the plan leaves GUARD's slack) never wait; only one that follows a late batch does.
 */
const SEND_WINDOW_MS = 1020;
/** How soon a shared reservation that failed (other than by Redis being away) is asked again. */
const SHARED_RETRY_MS = 250;

interface ChannelLimiter {
  limiter: Bottleneck;
  messagesPerSecond: number;
  plan: RatePlan;
  slowedUntil: number;
}

/**
 * One Bottleneck limiter and one sliding second of sends per channel. With REDIS_URL every instance's
 * limiter for a channel shares one id in Redis, and their sliding second one pair of keys, so all of
 * them together hold the channel's rate; without it, both live in the process.
 */
@Injectable()
export class ChannelLimiters implements OnApplicationShutdown {
  private readonly logger = new Logger(ChannelLimiters.name);
  private readonly limiters = new Map<string, ChannelLimiter>();
  private readonly sent = new Map<string, SlidingSecond>();
  private redis?: Redis;
  private connection?: Bottleneck.IORedisConnection;
  private shared?: RedisSlidingSecond;
  /** Ends each shared reservation still waiting for Redis, at shutdown. */
  private readonly sharedWaits = new Set<() => void>();
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  /** Largest batch one job may carry: one interval's share of the rate. */
  batchSize(channelId: string, messagesPerSecond: number, now = Date.now()): number {
    return this.get(channelId, messagesPerSecond, now).plan.perInterval;
  }

  get(channelId: string, messagesPerSecond: number, now = Date.now()): ChannelLimiter {
    if (this.closed) throw new Error('The channel limiters are shut down');
    let entry = this.limiters.get(channelId);
    if (!entry) {
      const plan = ratePlan(messagesPerSecond);
      entry = { limiter: this.create(channelId, plan), messagesPerSecond, plan, slowedUntil: 0 };
      this.limiters.set(channelId, entry);
    } else if (entry.messagesPerSecond !== messagesPerSecond || (entry.slowedUntil !== 0 && entry.slowedUntil <= now)) {
      entry.messagesPerSecond = messagesPerSecond;
      entry.slowedUntil = 0;
      this.apply(entry, ratePlan(messagesPerSecond));
    }
    return entry;
  }

  /** Runs `send` (a batch of at most batchSize messages) in the channel's next free slot. */
  schedule<T>(channelId: string, messagesPerSecond: number, send: () => Promise<T>): Promise<T> {
    const { limiter } = this.get(channelId, messagesPerSecond);
    return limiter.schedule({ expiration: 10 * 60_000 }, send);
  }

  /**
   * Called by a batch in its slot, before its confirm query: waits until the batch fits in the
   * channel's sliding second of actual sends (sliding-second.ts; with REDIS_URL one shared by every
   * process, redis-sliding-second.ts), then holds its place there.
   */
  async reserveSend(channelId: string, messagesPerSecond: number, count: number): Promise<SendPlace> {
    const limit = Math.max(1, Math.floor(messagesPerSecond));
    for (;;) {
      if (this.closed) throw new Error('The channel limiters are shut down');
      const place = this.config.env.REDIS_URL ? await this.reserveShared(channelId, count, limit) : this.reserveLocal(channelId, count, limit);
      if (typeof place !== 'number') return place;
      await new Promise((resolve) => setTimeout(resolve, place));
    }
  }

  /** Never rejects, and need not be awaited: this process's commands reach Redis in order, so its next reservation sees it. */
  async markSent(channelId: string, place: SendPlace): Promise<void> {
    if (!('member' in place)) return this.sent.get(channelId)?.markSent(place, Date.now());
    await this.sharedWindow()
      .markSent(place)
      .catch((error: unknown) => this.sharedFailed('marking a batch sent', error));
  }

  /** Never rejects; unreleased, a shared place is given back when its lease runs out. */
  async releaseSend(channelId: string, place: SendPlace): Promise<void> {
    if (!('member' in place)) return this.sent.get(channelId)?.release(place);
    await this.sharedWindow()
      .release(place)
      .catch((error: unknown) => this.sharedFailed('releasing a batch', error));
  }

  /**
   * 360dialog said "too fast": halve the channel's rate for a while (shared through Redis when clustered).
   * Returns when the slowdown this call started ends, or null when it started none (one is running).
   */
  slowDown(channelId: string, now = Date.now()): Date | null {
    const entry = this.limiters.get(channelId);
    if (!entry || entry.slowedUntil > now) return null;
    entry.slowedUntil = now + SLOWDOWN_MS;
    // Stretch the interval rather than shrink batches: those already queued keep their size.
    const normal = ratePlan(entry.messagesPerSecond);
    this.apply(entry, { intervalMs: Math.ceil(normal.intervalMs / SLOWDOWN_FACTOR), perInterval: normal.perInterval });
    this.logger.warn(`channel ${channelId}: throttled by 360dialog, sending at half rate for ${SLOWDOWN_MS / 1000} s`);
    return new Date(entry.slowedUntil);
  }

  currentRate(channelId: string): number {
    const entry = this.limiters.get(channelId);
    return entry ? (entry.plan.perInterval * 1000) / entry.plan.intervalMs : 0;
  }

  /**
   * Stops every limiter; jobs still waiting for a slot are rejected (their recipients get released).
   * Bounded: with Redis unreachable, Bottleneck's stop waits on commands ioredis holds until Redis is
   * back, and shutdown must not wait for that (the disconnect that follows rejects them).
   */
  async stopAll(): Promise<void> {
    const stopped = Promise.allSettled([...this.limiters.values()].map((entry) => entry.limiter.stop({ dropWaitingJobs: true })));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
    if ((await Promise.race([stopped, timedOut])) === 'timeout') this.logger.warn(`limiters did not stop within ${STOP_TIMEOUT_MS / 1000} s (is Redis reachable?)`);
    clearTimeout(timer);
  }

  /** Jobs still queued are dropped first: left queued, Bottleneck retries them against the closed connection forever. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const giveUp of this.sharedWaits) giveUp();
    await this.stopAll();
    await Promise.all([...this.limiters.values()].map((entry) => entry.limiter.disconnect(false)));
    this.limiters.clear();
    await this.connection?.disconnect(false);
    this.redis?.disconnect();
  }

  private reserveLocal(channelId: string, count: number, limit: number): SendReservation | number {
    let window = this.sent.get(channelId);
    if (!window) this.sent.set(channelId, (window = new SlidingSecond(SEND_WINDOW_MS)));
    const delay = window.delayFor(count, limit, Date.now());
    return delay === 0 ? window.reserve(count, Date.now()) : delay;
  }

  /**
   * With Redis unreachable the script waits in ioredis's queue until it is back, like Bottleneck's
   * slots: nothing is sent without a place. Shutdown ends the wait (a client disconnected while it
   * reconnects never rejects what it holds). Any other error is asked again.
   */
  private async reserveShared(channelId: string, count: number, limit: number): Promise<SharedReservation | number> {
    let giveUp = () => {};
    const shutDown = new Promise<number>((resolve) => (giveUp = () => resolve(0)));
    this.sharedWaits.add(giveUp);
    try {
      return await Promise.race([this.sharedWindow().reserve(channelId, count, limit), shutDown]);
    } catch (error) {
      this.sharedFailed('reserving a send', error);
      return SHARED_RETRY_MS;
    } finally {
      this.sharedWaits.delete(giveUp);
    }
  }

  private sharedWindow(): RedisSlidingSecond {
    return (this.shared ??= new RedisSlidingSecond(this.redisClient(), SEND_WINDOW_MS));
  }

  /** After shutdown the closed connection rejects every command: nothing worth logging. */
  private sharedFailed(what: string, error: unknown): void {
    if (!this.closed) this.logger.error(`shared send window, ${what}: ${errorMessage(error)}`);
  }

  private apply(entry: ChannelLimiter, plan: RatePlan): void {
    entry.plan = plan;
    entry.limiter.updateSettings({ minTime: plan.intervalMs });
  }

  private create(channelId: string, plan: RatePlan): Bottleneck {
    // One job per batch of `perInterval` messages, job starts spaced by minTime. (A reservoir refilled
    // every interval drifts: it refills on a heartbeat and restarts its clock from then, measured
    // 10 per ~114 ms at a configured 10 per 100 ms. minTime spaces starts from the previous start.)
    const settings: Bottleneck.ConstructorOptions = {
      id: `wa-channel-${channelId}`,
      minTime: plan.intervalMs,
      maxConcurrent: null,
    };
    if (this.config.env.REDIS_URL) {
      this.connection ??= this.createConnection();
      Object.assign(settings, { datastore: 'ioredis', connection: this.connection, clearDatastore: false, timeout: 60_000 });
    }
    const limiter = new Bottleneck(settings);
    limiter.on('error', (error: Error) => this.logger.error(`limiter for channel ${channelId}: ${error.message}`));
    return limiter;
  }

  /** One client for Bottleneck and the shared send window; it never gives up on a command while Redis is away. */
  private redisClient(): Redis {
    return (this.redis ??= new Redis(this.config.env.REDIS_URL!, { maxRetriesPerRequest: null }));
  }

  private createConnection(): Bottleneck.IORedisConnection {
    const connection = new Bottleneck.IORedisConnection({ client: this.redisClient() });
    connection.on('error', (error: Error) => this.logger.error(`Redis (limiters): ${error.message}`));
    return connection;
  }
}
