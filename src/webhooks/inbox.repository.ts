import { Injectable } from '@nestjs/common';
import { copyIn } from '../database/copy.js';
import { execute, withPoolClient } from '../database/sql.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { RetryDecision } from './inbox-retry.js';
import { PURGE_INBOX_BATCH } from './retention.queries.js';
import type { InboxState } from './webhook-inbox.entity.js';
import {
  CLAIM_INBOX_BATCH,
  CLAIM_INBOX_ITEM,
  CLAIM_PLAN_DEFAULTS,
  CLAIM_PLAN_SETTINGS,
  COPY_INBOX_ROWS,
  INBOX_GAUGES,
  inboxCopyLine,
  INSERT_INBOX_REMAINDERS,
  MARK_INBOX_DEFERRED,
  MARK_INBOX_PROCESSED,
  MARK_INBOX_RETRY_UNCOUNTED,
  REQUEUE_PARKED,
  type RequeueFilter,
  SELECT_PARKED_PAGE,
} from './webhooks.queries.js';

/** A body as the receiver stores it. */
export interface NewInboxRow {
  channelId: string;
  body: string;
  state: Extract<InboxState, 'pending' | 'rejected'>;
  lastError: string | null;
}

/** An item a processor claimed (locked until its transaction ends). */
export interface ClaimedItem {
  id: string;
  channel_id: string;
  body: string;
  attempts: number;
  received_at: Date;
  next_attempt_at: Date;
}

/** An item kept for a later attempt, or parked for good: one attempt more is counted. */
export interface InboxDeferral {
  id: string;
  decision: RetryDecision;
  lastError: string;
}

/** The unknown-message remainder of a body whose other events were applied (a new row). */
export interface InboxRemainder {
  channelId: string;
  /** Only the unknown status events (statusEventsToBody). */
  body: string;
  state: Extract<InboxState, 'pending' | 'parked'>;
  /** The original body's receipt time: it bounds the retry window. */
  receivedAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  lastError: string;
}

export interface InboxGauges {
  due: number;
  oldest_due_seconds: number;
  retrying: number;
  parked: number;
}

export interface ParkedInboxRow {
  id: string;
  channel_id: string;
  received_at: Date;
  processed_at: Date | null;
  attempts: number;
  last_error: string | null;
}

/**
 * The only code that writes webhook_inbox: the receiver's group commit (autocommit), the processor's
 * claims and outcomes (inside the batch's transaction: `db`), the operator's requeue, and retention.
 */
@Injectable()
export class InboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── The receiver (WebhookInboxWriter) ──

  /** One COPY (one statement, one commit) for every row given (COPY_INBOX_ROWS). */
  async insert(rows: readonly NewInboxRow[]): Promise<void> {
    let text = '';
    for (const row of rows) text += inboxCopyLine(row.channelId, row.body, row.state, row.lastError);
    await withPoolClient(this.dataSource, (client) => copyIn(client, COPY_INBOX_ROWS, text));
  }

  // ── The processor, inside a batch's transaction ──

  /** Up to `limit` due items, oldest due first, locked (SKIP LOCKED: processors share the inbox without overlap). */
  async claimBatch(limit: number, db: EntityManager): Promise<ClaimedItem[]> {
    await db.query(CLAIM_PLAN_SETTINGS);
    const items: ClaimedItem[] = await db.query(CLAIM_INBOX_BATCH, [limit]);
    await db.query(CLAIM_PLAN_DEFAULTS);
    return items;
  }

  /** The item `id`, locked, when it is still pending and no other transaction holds it (else none). */
  async claimItem(id: string, db: EntityManager): Promise<ClaimedItem[]> {
    return db.query(CLAIM_INBOX_ITEM, [id]);
  }

  async markProcessed(ids: readonly string[], db: EntityManager): Promise<void> {
    await db.query(MARK_INBOX_PROCESSED, [ids]);
  }

  /** Items kept for a later attempt (unknown messages, processing errors) or parked for good. */
  async defer(items: readonly InboxDeferral[], db: EntityManager): Promise<void> {
    await db.query(MARK_INBOX_DEFERRED, [
      items.map((item) => item.id),
      items.map((item) => (item.decision.action === 'park' ? 'parked' : 'pending')),
      items.map((item) => (item.decision.action === 'retry' ? item.decision.nextAttemptAt : null)),
      items.map((item) => item.lastError),
    ]);
  }

  async insertRemainders(remainders: readonly InboxRemainder[], db: EntityManager): Promise<void> {
    await db.query(INSERT_INBOX_REMAINDERS, [
      remainders.map((remainder) => remainder.channelId),
      remainders.map((remainder) => remainder.body),
      remainders.map((remainder) => remainder.state),
      remainders.map((remainder) => remainder.receivedAt),
      remainders.map((remainder) => remainder.nextAttemptAt),
      remainders.map((remainder) => remainder.attempts),
      remainders.map((remainder) => remainder.lastError),
    ]);
  }

  /** A failure that is not the item's own: tried again at `nextAttemptAt`, no attempt counted. */
  async retryUncounted(item: { id: string; nextAttemptAt: Date; lastError: string }, db: EntityManager): Promise<void> {
    await db.query(MARK_INBOX_RETRY_UNCOUNTED, [item.id, item.nextAttemptAt, item.lastError]);
  }

  // ── Metrics and operators ──

  /** The four inbox gauges, in one statement (INBOX_GAUGES). */
  async gauges(): Promise<InboxGauges | undefined> {
    const [row]: InboxGauges[] = await this.dataSource.query(INBOX_GAUGES);
    return row;
  }

  /** Parked items after id `after`, in id order: at most `limit`. */
  async parkedPage(after: string, limit: number): Promise<ParkedInboxRow[]> {
    return this.dataSource.query(SELECT_PARKED_PAGE, [after, limit]);
  }

  /** Parked items back to pending, due now (REQUEUE_PARKED), at most `limit`: their ids. */
  async requeueParked(filter: RequeueFilter, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(REQUEUE_PARKED, [filter.ids, filter.channelId, filter.reason, limit]);
    return rows.map((row) => row.id);
  }

  /** Deletes up to `limit` processed or rejected bodies received before `cutoff`, oldest first; returns how many. */
  async purgeProcessed(cutoff: Date, limit: number): Promise<number> {
    return execute(this.dataSource.manager, PURGE_INBOX_BATCH, [cutoff, limit]);
  }
}
