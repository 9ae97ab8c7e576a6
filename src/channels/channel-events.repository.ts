import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A channel event as recorded (ChannelEventsRepository.record). */
export interface NewChannelEvent {
  channelId: string;
  /** account_update, phone_quality, business_capability, template_status, template_category, value_error */
  kind: string;
  detail: Record<string, unknown>;
  occurredAt: Date;
}

export interface ChannelEventRow {
  id: string;
  kind: string;
  detail: Record<string, unknown>;
  occurred_at: Date;
  received_at: Date;
}

/**
 * The only code that writes channel_events: what WhatsApp said about a channel rather than a message
 * (webhooks/ records them inside its batch transaction; the channels API reads them).
 */
@Injectable()
export class ChannelEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the event unless the same one (channel, kind, time and detail) is already there: 360dialog
   * redelivers a webhook it thinks was lost, and a replay must neither show twice nor act twice.
   * True when it was recorded now.
   */
  async record(event: NewChannelEvent, db: EntityManager): Promise<boolean> {
    const rows: Array<{ id: string }> = await db.query(
      `INSERT INTO channel_events (channel_id, kind, detail, occurred_at)
       SELECT $1, $2, $3::jsonb, $4
       WHERE NOT EXISTS (
         SELECT 1 FROM channel_events
         WHERE channel_id = $1 AND kind = $2 AND occurred_at = $4 AND detail = $3::jsonb)
       RETURNING id::text AS id`,
      [event.channelId, event.kind, JSON.stringify(event.detail), event.occurredAt],
    );
    return rows.length > 0;
  }

  /** One page of a channel's events, newest first (by id), before `beforeId` (null: the first page). */
  page(channelId: string, beforeId: string | null, limit: number): Promise<ChannelEventRow[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, kind, detail, occurred_at, received_at FROM channel_events
       WHERE channel_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY channel_events.id DESC LIMIT $3`,
      [channelId, beforeId, limit],
    );
  }
}
