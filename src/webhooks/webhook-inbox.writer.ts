import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '../common/errors.js';
import { InboxRepository, type NewInboxRow } from './inbox.repository.js';

interface Waiting extends NewInboxRow {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * At most this many INSERTs in flight: the rest of the arrivals wait and go in the next one. Fewer,
 * larger commits ingest more: on 2 cores, 64 connections flooding, 1–2 in flight stored about twice
 * as many bodies per second as 4 (each commit is a WAL flush that competes for the same disk and CPU,
 * docs/performance.md). Two rather than one, so a slow insert or a bisection does not hold up every
 * waiting request.
 */
const MAX_IN_FLIGHT = 2;
const MAX_ROWS_PER_INSERT = 2000;
const MAX_BYTES_PER_INSERT = 16 * 1024 * 1024;

export class InboxUnavailableError extends Error {}

/**
 * Group commit for the webhook receiver. Each request waits for `store()`, which resolves only once
 * its row is committed. Requests arriving while inserts are in flight queue up and are written together
 * by the next COPY (InboxRepository.insert: one statement, one commit, one WAL flush for all of them):
 * durability per request without a round trip per request. A database error rejects every request of
 * that insert, so each of them is answered 503 and 360dialog sends it again; a data error (one row the
 * database refuses) is narrowed down by bisection on the same in-flight slot, so the other rows are
 * still stored.
 *
 * Shutdown: from onModuleDestroy on, new bodies are refused (503, 360dialog retries) and the inserts
 * in flight are awaited, so none of them runs against a closing pool.
 */
@Injectable()
export class WebhookInboxWriter implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookInboxWriter.name);
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private stopping = false;
  private readonly writes = new Set<Promise<void>>();
  private readonly listeners: Array<(pending: number) => void> = [];

  constructor(private readonly inbox: InboxRepository) {}

  store(row: NewInboxRow): Promise<void> {
    if (this.stopping) return Promise.reject(new InboxUnavailableError('The engine is shutting down'));
    return new Promise<void>((resolve, reject) => {
      // Named fields rather than a spread of `row`: every queued item gets one object shape from a
      // literal (the spread's generic copy showed as 3.7% self time of this executor in a flood).
      this.queue.push({ channelId: row.channelId, body: row.body, state: row.state, lastError: row.lastError, resolve, reject });
      this.schedule();
    });
  }

  /** Called after each commit that stored pending rows, with their number (the in-process processor wakes up). */
  onStored(listener: (pending: number) => void): void {
    this.listeners.push(listener);
  }

  /** Before the pool closes: refuse new bodies, fail the queued ones (503), let the inserts in flight finish. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const waiting = this.queue;
    this.queue = [];
    for (const item of waiting) item.reject(new InboxUnavailableError('The engine is shutting down'));
    await Promise.allSettled([...this.writes]);
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
      const write = this.write(batch).finally(() => {
        this.inFlight--;
        this.writes.delete(write);
        this.schedule();
      });
      this.writes.add(write);
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
      await this.inbox.insert(batch);
      for (const item of batch) item.resolve();
      let pending = 0;
      for (const item of batch) if (item.state === 'pending') pending++;
      if (pending > 0) for (const listener of this.listeners) listener(pending);
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        // A row the database refuses must not take the others down. Bisection, one half after the
        // other on this in-flight slot: one bad row among n costs about 2·log2(n) inserts on one
        // connection, instead of n single inserts at once that bypass MAX_IN_FLIGHT and starve the pool.
        const middle = Math.ceil(batch.length / 2);
        await this.write(batch.slice(0, middle));
        await this.write(batch.slice(middle));
        return;
      }
      const message = errorMessage(error);
      this.logger.error(`Storing ${batch.length} webhook bodies failed: ${message}`);
      for (const item of batch) item.reject(new InboxUnavailableError(message));
    }
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): caused by a row, not by the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
