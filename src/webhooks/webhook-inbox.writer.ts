import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InboxState } from './webhook-inbox.entity.js';
import { INSERT_INBOX_ROWS } from './webhooks.queries.js';

export interface InboxRow {
  channelId: string;
  body: string;
  state: Extract<InboxState, 'pending' | 'rejected'>;
  lastError: string | null;
}

interface Waiting extends InboxRow {
  resolve(): void;
  reject(error: Error): void;
}

/** At most this many INSERTs in flight: the rest of the arrivals wait and go in the next one. */
const MAX_IN_FLIGHT = 4;
const MAX_ROWS_PER_INSERT = 2000;
const MAX_BYTES_PER_INSERT = 16 * 1024 * 1024;

export class InboxUnavailableError extends Error {}

/**
 * Group commit for the webhook receiver. Each request waits for `store()`, which resolves only once
 * its row is committed. Requests arriving while inserts are in flight queue up and are written together
 * by the next INSERT (one statement, one commit, one WAL flush for all of them): durability per request
 * without a round trip per request. A database error rejects every request of that insert, so each of
 * them is answered 503 and 360dialog sends it again.
 */
@Injectable()
export class WebhookInboxWriter implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookInboxWriter.name);
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  store(row: InboxRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...row, resolve, reject });
      this.schedule();
    });
  }

  /** Called after each commit that stored pending rows (the in-process processor wakes up). */
  onStored(listener: () => void): void {
    this.listeners.push(listener);
  }

  onModuleDestroy(): void {
    // The pool closes after this: nothing may wait forever.
    const waiting = this.queue;
    this.queue = [];
    for (const item of waiting) item.reject(new InboxUnavailableError('The engine is shutting down'));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop lets the requests already read by the socket join this insert.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private take(): Waiting[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < MAX_ROWS_PER_INSERT) {
      bytes += this.queue[count].body.length;
      count++;
      if (bytes >= MAX_BYTES_PER_INSERT) break;
    }
    return this.queue.splice(0, count);
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      await this.insert(batch);
      for (const item of batch) item.resolve();
      if (batch.some((item) => item.state === 'pending')) for (const listener of this.listeners) listener();
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        // A row the database refuses must not take the others down: write them one by one.
        await Promise.all(batch.map((item) => this.write([item])));
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`Storing ${batch.length} webhook bodies failed: ${message}`);
      for (const item of batch) item.reject(new InboxUnavailableError(message));
    }
  }

  private async insert(batch: Waiting[]): Promise<void> {
    await this.dataSource.query(INSERT_INBOX_ROWS, [
      batch.map((item) => item.channelId),
      batch.map((item) => item.body),
      batch.map((item) => item.state),
      batch.map((item) => item.lastError),
    ]);
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): caused by a row, not by the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
