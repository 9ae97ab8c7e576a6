import { Injectable } from '@nestjs/common';
import { IDLE, PollingWorker, type WorkerNext } from '../common/polling-worker.js';
import { AppConfig } from '../config/app-config.js';
import { InboxRepository } from './inbox.repository.js';
import { MessageEventsRepository } from './message-events.repository.js';

const DAY_MS = 86_400_000;
/** How often an idle retention worker looks again. */
const RETENTION_INTERVAL_MS = 10 * 60_000;
/** The rest between two batches while old rows remain: retention never competes with webhooks for long. */
const REST_BETWEEN_BATCHES_MS = 200;

/** What one run deleted. */
export interface RetentionRun {
  inboxBodies: number;
  messageEvents: number;
}

/**
 * Deletes processed webhook bodies older than WEBHOOK_INBOX_RETENTION_DAYS and message events older than
 * MESSAGE_EVENT_RETENTION_DAYS (0: kept for ever), RETENTION_BATCH_SIZE rows per table and run, resting
 * between batches, where this process runs workers. The writes go through each table's repository.
 * `now` is the clock (tests set it).
 */
@Injectable()
export class RetentionWorker extends PollingWorker {
  now: () => Date = () => new Date();

  constructor(
    private readonly config: AppConfig,
    private readonly inbox: InboxRepository,
    private readonly events: MessageEventsRepository,
  ) {
    super({ name: RetentionWorker.name, intervalMs: RETENTION_INTERVAL_MS });
  }

  protected shouldRun(): boolean {
    const env = this.config.env;
    return this.config.runsWorker && (env.WEBHOOK_INBOX_RETENTION_DAYS > 0 || env.MESSAGE_EVENT_RETENTION_DAYS > 0);
  }

  protected async work(): Promise<WorkerNext> {
    const run = await this.purgeBatch();
    const limit = this.config.env.RETENTION_BATCH_SIZE;
    if (run.inboxBodies + run.messageEvents > 0) this.logger.log(`Deleted ${run.inboxBodies} old webhook bodies and ${run.messageEvents} old message events`);
    return run.inboxBodies >= limit || run.messageEvents >= limit ? { kind: 'rest', ms: REST_BETWEEN_BATCHES_MS } : IDLE;
  }

  /** One batch per table (tests call it directly). */
  async purgeBatch(): Promise<RetentionRun> {
    const env = this.config.env;
    const now = this.now().getTime();
    const limit = env.RETENTION_BATCH_SIZE;
    const inboxBodies = env.WEBHOOK_INBOX_RETENTION_DAYS > 0 ? await this.inbox.purgeProcessed(new Date(now - env.WEBHOOK_INBOX_RETENTION_DAYS * DAY_MS), limit) : 0;
    const messageEvents = env.MESSAGE_EVENT_RETENTION_DAYS > 0 ? await this.events.purgeOlderThan(new Date(now - env.MESSAGE_EVENT_RETENTION_DAYS * DAY_MS), limit) : 0;
    return { inboxBodies, messageEvents };
  }
}
