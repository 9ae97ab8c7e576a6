import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { BACKOFF, IDLE, NOW, PollingWorker, type WorkerNext } from '../common/polling-worker.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { BatchRunner, failureBackoffMs } from './batch-runner.js';
import { type InboxGauges, InboxRepository } from './inbox.repository.js';
import { ProcessorPace } from './processor-pace.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';

/** How long after new arrivals the processor starts a batch (arrivals meanwhile join it). */
const COALESCE_MS = 25;

/**
 * Drains webhook_inbox, one batch after another (BatchRunner: the claim, the one transaction per batch,
 * the failure policy), where config.runsWorker. It starts a batch within COALESCE_MS when this
 * instance stored new bodies (the receiver's writer nudges it; arrivals within COALESCE_MS join one
 * batch, so a flood of single-status requests is applied in batches of hundreds instead of one
 * transaction per commit of the receiver), otherwise polls every WEBHOOK_PROCESSOR_INTERVAL_MS (bodies
 * stored by other instances). A full batch is followed by the next at once.
 * While this instance's receiver takes a burst, the processor rests for the whole of it (processor-pace.ts):
 * acknowledgements first, the report at most WEBHOOK_PROCESSOR_MAX_LAG_SECONDS behind, caught up after.
 * A failed claim, a batch that failed transiently, or a lost connection pauses it (failureBackoffMs,
 * growing with the failures in a row; new arrivals do not cut it short).
 * It stops before the database closes (PollingWorker: beforeApplicationShutdown), after the receiver's
 * writer stopped taking bodies (onModuleDestroy), ending any pause and finishing the batch in progress.
 */
@Injectable()
export class WebhookProcessorService extends PollingWorker {
  private readonly pace: ProcessorPace;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly batches: BatchRunner,
    inbox: InboxRepository,
    writer: WebhookInboxWriter,
  ) {
    super({
      name: WebhookProcessorService.name,
      intervalMs: config.env.WEBHOOK_PROCESSOR_INTERVAL_MS,
      coalesceMs: COALESCE_MS,
      backoffMs: failureBackoffMs,
    });
    let loopMark = performance.eventLoopUtilization();
    this.pace = new ProcessorPace(
      {
        yieldUtilization: config.env.WEBHOOK_PROCESSOR_YIELD_UTILIZATION,
        yieldArrivalsPerSecond: config.env.WEBHOOK_PROCESSOR_YIELD_ARRIVALS_PER_SECOND,
        yieldMs: config.env.WEBHOOK_PROCESSOR_YIELD_MS,
        maxLagMs: config.env.WEBHOOK_PROCESSOR_MAX_LAG_SECONDS * 1000,
      },
      {
        now: () => performance.now(),
        loopUtilization: () => {
          const since = performance.eventLoopUtilization(loopMark).utilization;
          loopMark = performance.eventLoopUtilization();
          return since;
        },
      },
    );
    writer.onStored((pending) => {
      this.pace.stored(pending);
      this.nudge();
    });
    registerInboxGauges(metrics, inbox);
  }

  protected shouldRun(): boolean {
    return this.config.runsWorker;
  }

  /**
   * One batch, then when to take the next: now, after a rest (pacing), when idle, or after a backoff.
   * During a rest, a run only asks whether the burst goes on; the batch waits until it does not.
   */
  protected async work(): Promise<WorkerNext> {
    if (this.pace.isResting) {
      const next = this.pace.afterRest();
      if (next.kind === 'rest') return this.rest(next);
    }
    this.pace.beforeBatch();
    const drained = await this.batches.drainOnce(this.failuresInARow);
    if (drained.backOff) return BACKOFF;
    const next = this.pace.afterBatch({ ...drained, batchSize: this.config.env.WEBHOOK_PROCESSOR_BATCH_SIZE });
    if (next.kind === 'rest') return this.rest(next);
    return next.kind === 'now' ? NOW : IDLE;
  }

  private rest(next: WorkerNext): WorkerNext {
    this.metrics.webhookEvents.inc({ kind: 'inbox', status: 'processor_yielded' });
    return next;
  }
}

/**
 * The four inbox gauges, fed by one statement per scrape: prom-client starts every collect() of a
 * scrape in the same tick, so they share the reading in flight. A failed reading leaves them as they were.
 */
function registerInboxGauges(metrics: MetricsService, inbox: InboxRepository): void {
  let reading: Promise<InboxGauges | undefined> | null = null;
  const read = (): Promise<InboxGauges | undefined> => {
    reading ??= inbox
      .gauges()
      .catch(() => undefined)
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  const gauge = (name: string, help: string, value: (row: InboxGauges) => number) =>
    metrics.gauge(name, help, async (target) => {
      const row = await read();
      if (row) target.set(value(row));
    });
  gauge('wa_webhook_inbox_backlog', 'Webhook bodies due for processing now (pending, next attempt reached)', (row) => row.due);
  gauge(
    'wa_webhook_inbox_oldest_pending_age_seconds',
    'Seconds the most overdue due webhook body has waited for the processor (0 when none is due); bodies held back for a retry are not counted',
    (row) => Number(row.oldest_due_seconds),
  );
  gauge('wa_webhook_inbox_retrying', 'Webhook bodies held back for a later retry (unknown message id, transient error)', (row) => row.retrying);
  gauge('wa_webhook_inbox_parked', 'Webhook bodies given up on (POST /v1/webhooks/inbox/requeue re-drives them)', (row) => row.parked);
}
