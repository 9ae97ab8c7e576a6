import { execute } from '../database/sql.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PURGE_MESSAGE_EVENTS_BATCH } from './retention.queries.js';
import { INSERT_INBOUND_EVENTS, INSERT_STATUS_EVENTS } from './webhooks.queries.js';

/** A status event for the history, matched to its recipient. */
export interface StatusHistoryEntry {
  messageId: string;
  status: string;
  recipientId: string;
  occurredAt: Date;
  errorCode: number | null;
  errorTitle: string | null;
}

/** An inbound message for the history. */
export interface InboundHistoryEntry {
  messageId: string;
  occurredAt: Date;
}

/**
 * The only code that writes message_events: the status history and inbound message ids, which are also
 * the duplicate guard of the webhook processor ((message_id, status) is unique). Both run inside the
 * batch's transaction (`db`). And retention: events older than MESSAGE_EVENT_RETENTION_DAYS go.
 */
@Injectable()
export class MessageEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Deletes up to `limit` events recorded before `cutoff`, oldest first; returns how many. */
  async purgeOlderThan(cutoff: Date, limit: number): Promise<number> {
    return execute(this.dataSource.manager, PURGE_MESSAGE_EVENTS_BATCH, [cutoff, limit]);
  }

  /** Records status events; a repeated (message id, status) inserts nothing. Returns the pairs seen for the first time. */
  async insertStatusEvents(events: readonly StatusHistoryEntry[], db: EntityManager): Promise<Array<{ messageId: string; status: string }>> {
    const rows: Array<{ message_id: string; status: string }> = await db.query(INSERT_STATUS_EVENTS, [
      events.map((event) => event.messageId),
      events.map((event) => event.status),
      events.map((event) => event.recipientId),
      events.map((event) => event.occurredAt),
      events.map((event) => event.errorCode),
      events.map((event) => event.errorTitle),
    ]);
    return rows.map((row) => ({ messageId: row.message_id, status: row.status }));
  }

  /** Records inbound message ids (status 'inbound'); a repeated one inserts nothing. Returns the ids seen for the first time. */
  async insertInboundEvents(messages: readonly InboundHistoryEntry[], db: EntityManager): Promise<string[]> {
    const rows: Array<{ message_id: string }> = await db.query(INSERT_INBOUND_EVENTS, [
      messages.map((message) => message.messageId),
      messages.map((message) => message.occurredAt),
    ]);
    return rows.map((row) => row.message_id);
  }
}
