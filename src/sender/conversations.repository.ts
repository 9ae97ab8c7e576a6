import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Serialises claims per channel while its messaging limit is counted (several workers, one limit). */
const LOCK_CHANNEL_LIMIT = `SELECT pg_advisory_xact_lock(hashtextextended('messaging-limit:' || $1, 0))`;

const CONVERSATIONS_IN_WINDOW = `
  SELECT count(*)::int AS open, min(started_at) AS oldest
  FROM channel_conversations
  WHERE channel_id = $1 AND started_at > now() - interval '24 hours'`;

/**
 * Opens (or re-opens, after 24 h) a conversation per claimed user: counted at claim, never more than the limit.
 * DISTINCT: one claim can hold a user twice (two campaigns of the channel), and ON CONFLICT DO UPDATE
 * may not touch a row twice in one statement.
 */
const RESERVE_CONVERSATIONS = `
  INSERT INTO channel_conversations (channel_id, wa_id, started_at)
  SELECT DISTINCT $1::uuid, wa_id, now() FROM unnest($2::text[]) AS wa_id
  ON CONFLICT (channel_id, wa_id) DO UPDATE SET started_at = now()
  WHERE channel_conversations.started_at <= now() - interval '24 hours'`;

/**
 * The only code that writes channel_conversations (the sender's own table). Every method runs in the
 * claim's transaction (`db`), under the channel's lock.
 */
@Injectable()
export class ConversationsRepository {
  /** Held until `db` ends. */
  async lockChannelLimit(channelId: string, db: EntityManager): Promise<void> {
    await db.query(LOCK_CHANNEL_LIMIT, [channelId]);
  }

  /** Conversations opened in the moving 24 h window, and when the oldest of them started. */
  async inWindow(channelId: string, db: EntityManager): Promise<{ open: number; oldest: Date | null }> {
    const [window] = (await db.query(CONVERSATIONS_IN_WINDOW, [channelId])) as Array<{ open: number; oldest: Date | null }>;
    return window;
  }

  async reserve(channelId: string, waIds: string[], db: EntityManager): Promise<void> {
    await db.query(RESERVE_CONVERSATIONS, [channelId, waIds]);
  }
}
