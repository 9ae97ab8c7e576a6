import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Serialises claims per channel while its messaging limit is counted (several workers, one limit). */
const LOCK_CHANNEL_LIMIT = `SELECT pg_advisory_xact_lock(hashtextextended('messaging-limit:' || $1, 0))`;

/** The sender's clock: the database's, or a later one the worker passes (a test's injected clock). */
const CLOCK = 'greatest(now(), $2::timestamptz)';

const CONVERSATIONS_IN_WINDOW = `
  SELECT count(*)::int AS open, min(started_at) AS oldest
  FROM channel_conversations
  WHERE channel_id = $1 AND started_at > ${CLOCK} - interval '24 hours'`;

/**
 * Opens (or re-opens, after 24 h) a conversation per claimed user: counted at claim, never more than the limit.
 * DISTINCT: one claim can hold a user twice (two campaigns of the channel), and ON CONFLICT DO UPDATE
 * may not touch a row twice in one statement. Returns the conversations it opened.
 */
const RESERVE_CONVERSATIONS = `
  INSERT INTO channel_conversations (channel_id, wa_id, started_at)
  SELECT DISTINCT $1::uuid, wa_id, ${CLOCK} FROM unnest($3::text[]) AS wa_id
  ON CONFLICT (channel_id, wa_id) DO UPDATE SET started_at = excluded.started_at
  WHERE channel_conversations.started_at <= excluded.started_at - interval '24 hours'
  RETURNING wa_id`;

/**
 * Conversations that opened more than 24 h ago never count again (every read is `started_at > clock -
 * 24 h` with a clock never before now(), and RESERVE re-opens an old row as if new), so they are deleted,
 * $1 rows at a time: the table holds one day's WhatsApp ids, and an erased contact's id is gone a day
 * after its last conversation opened (docs/api.md, DELETE /v1/contacts/:id).
 */
const PRUNE_EXPIRED = `
  DELETE FROM channel_conversations WHERE ctid IN (
    SELECT ctid FROM channel_conversations WHERE started_at <= now() - interval '24 hours' LIMIT $1)`;

/** The channel's next pacing slot (pacing.ts); written under the channel's lock only. */
const NEXT_SLOT = `SELECT next_slot_at FROM channel_pacing WHERE channel_id = $1`;

const SET_NEXT_SLOT = `
  INSERT INTO channel_pacing (channel_id, next_slot_at) VALUES ($1, $2)
  ON CONFLICT (channel_id) DO UPDATE SET next_slot_at = excluded.next_slot_at`;

/**
 * The only code that writes channel_conversations and channel_pacing (the sender's own tables). Every
 * method but pruneExpired runs in the claim's transaction (`db`), under the channel's lock.
 */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Deletes up to `batch` conversations that opened more than 24 h ago (PRUNE_EXPIRED); returns how many. */
  async pruneExpired(batch = 10_000): Promise<number> {
    const [, deleted] = (await this.dataSource.query(PRUNE_EXPIRED, [batch])) as [unknown, number];
    return deleted;
  }

  /** Held until `db` ends. */
  async lockChannelLimit(channelId: string, db: EntityManager): Promise<void> {
    await db.query(LOCK_CHANNEL_LIMIT, [channelId]);
  }

  /** Conversations opened in the moving 24 h window at `now`, and when the oldest of them started. */
  async inWindow(channelId: string, now: Date, db: EntityManager): Promise<{ open: number; oldest: Date | null }> {
    const [window] = (await db.query(CONVERSATIONS_IN_WINDOW, [channelId, now])) as Array<{ open: number; oldest: Date | null }>;
    return window;
  }

  /** Returns how many conversations were newly opened (a user already in one costs nothing). */
  async reserve(channelId: string, waIds: string[], now: Date, db: EntityManager): Promise<number> {
    const rows = (await db.query(RESERVE_CONVERSATIONS, [channelId, now, waIds])) as unknown[];
    return rows.length;
  }

  async nextSlot(channelId: string, db: EntityManager): Promise<Date | null> {
    const [row] = (await db.query(NEXT_SLOT, [channelId])) as Array<{ next_slot_at: Date }>;
    return row?.next_slot_at ?? null;
  }

  async setNextSlot(channelId: string, at: Date, db: EntityManager): Promise<void> {
    await db.query(SET_NEXT_SLOT, [channelId, at]);
  }
}
