import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PENDING_RECHECK_MS } from './sliding-second.js';

/**
 * The sliding second of sliding-second.ts shared by every engine process through Redis: with one
 * window per process, two processes' late batches could together exceed the channel's limit.
 * Per channel, two sorted sets of `<count>:<id>` members: reservations not yet sent (scored by when
 * they were made) and batches sent (scored by when they left). Each decision runs in one Lua script.
 *
 * Times are the Redis server's (TIME): one clock for every process, so a skew between engine hosts
 * cannot shift one process's sends against another's. The price is that a batch counts from when
 * Redis hears it was sent, a fraction of a millisecond after it leaves on one network.
 */
export interface SharedReservation {
  readonly channelId: string;
  readonly member: string;
}

/**
 * A reservation not marked sent within this long is dropped: its process crashed (or lost Redis)
 * between reserve and send, and must not hold its place forever.
 */
const DEFAULT_LEASE_MS = 30_000;

// Same semantics as SlidingSecond.delayFor; TIME before a write needs effects replication (Redis >= 5's default).
const RESERVE = `
local count, limit, windowMs, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - leaseMs)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - windowMs)
local function countOf(member) return tonumber(string.match(member, '^(%d+):')) end
local inWindow = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do inWindow = inWindow + countOf(member) end
local sent = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #sent, 2 do inWindow = inWindow + countOf(sent[i]) end
local cap = math.max(limit, count)
if inWindow + count <= cap then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], leaseMs)
  return 0
end
for i = 1, #sent, 2 do
  inWindow = inWindow - countOf(sent[i])
  if inWindow + count <= cap then return math.max(1, math.ceil(tonumber(sent[i + 1]) + windowMs - now)) end
end
return tonumber(ARGV[6])
`;

// Re-added as sent even when its reservation is gone (lease ran out, keys flushed): it did go out.
const MARK_SENT = `
local time = redis.call('TIME')
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 0
`;

type ScriptedRedis = Redis & {
  reserveSendWindow(pending: string, sent: string, ...args: Array<string | number>): Promise<number>;
  markSentInSendWindow(pending: string, sent: string, member: string, windowMs: number): Promise<number>;
};

/** The channel's two keys; the hash tag keeps them on one node of a cluster, as a script needs. */
export function sendWindowKeys(channelId: string): { pending: string; sent: string } {
  return { pending: `wa-send-window:{${channelId}}:pending`, sent: `wa-send-window:{${channelId}}:sent` };
}

export class RedisSlidingSecond {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly windowMs: number,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {
    redis.defineCommand('reserveSendWindow', { numberOfKeys: 2, lua: RESERVE });
    redis.defineCommand('markSentInSendWindow', { numberOfKeys: 2, lua: MARK_SENT });
    this.redis = redis as ScriptedRedis;
  }

  /** Holds a place for `count` more sends under `limit`, or returns the milliseconds to wait before asking again. */
  async reserve(channelId: string, count: number, limit: number): Promise<SharedReservation | number> {
    const { pending, sent } = sendWindowKeys(channelId);
    const member = `${count}:${randomUUID()}`;
    const delay = await this.redis.reserveSendWindow(pending, sent, count, limit, this.windowMs, this.leaseMs, member, PENDING_RECHECK_MS);
    return delay === 0 ? { channelId, member } : delay;
  }

  async markSent(reservation: SharedReservation): Promise<void> {
    const { pending, sent } = sendWindowKeys(reservation.channelId);
    await this.redis.markSentInSendWindow(pending, sent, reservation.member, this.windowMs);
  }

  /** A batch that sent nothing gives its place back. */
  async release(reservation: SharedReservation): Promise<void> {
    await this.redis.zrem(sendWindowKeys(reservation.channelId).pending, reservation.member);
  }
}
