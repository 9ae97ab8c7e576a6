import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { type AccountInfo, type Generation, type StatusEvent, type StatusName, statusWebhookBody, webhookRetryDelayMs } from './sandbox-payloads.js';
import type { SignalWebhookBody } from './signal-payloads.js';
import { TimedQueue } from './timed-queue.js';
import { errorMessage } from '../common/errors.js';
import type { WebhookBody, WebhookConfigRequest } from '../whatsapp/wire.js';

/** A registered webhook: POST /v1/configs/webhook's body, with the headers defaulted to none. */
export type WebhookTarget = Required<WebhookConfigRequest>;

/** What the dispatcher needs to know about an API key at delivery time (the webhook may be re-registered meanwhile). */
export interface WebhookKeyInfo {
  generation: Generation;
  account: AccountInfo;
  webhook: WebhookTarget | null;
}

export interface WebhookDeliveryOptions {
  /** Most statuses in one POST. */
  batchSize: number;
  /** Most POSTs in flight per API key. */
  concurrency: number;
  timeoutMs: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** Attempts per POST before it is given up. */
  maxAttempts: number;
}

export interface WebhookStats {
  /** POST attempts, successful or not. */
  posts: number;
  /** POSTs answered 200. */
  delivered: number;
  /** Attempts answered other than 200, or not answered. */
  failedAttempts: number;
  /** POSTs abandoned after maxAttempts. */
  givenUp: number;
  /** Statuses dropped because no webhook was registered for the key. */
  dropped: number;
  statusesDelivered: number;
  statusesDeliveredByStatus: Record<StatusName, number>;
  inboundDelivered: number;
  /** Statuses and POSTs waiting (scheduled, ready or awaiting a retry) plus POSTs in flight. */
  pending: number;
  inFlight: number;
  lastError: string | null;
}

interface Delivery {
  apiKey: string;
  body: string;
  statuses: StatusEvent[];
  inbound: number;
  attempts: number;
  settle?: (delivered: boolean) => void;
}

interface KeyQueue {
  statuses: StatusEvent[];
  deliveries: Delivery[];
  inFlight: number;
}

const TICK_MS = 5;

function emptyStats(): WebhookStats {
  return {
    posts: 0,
    delivered: 0,
    failedAttempts: 0,
    givenUp: 0,
    dropped: 0,
    statusesDelivered: 0,
    statusesDeliveredByStatus: { sent: 0, delivered: 0, read: 0, failed: 0 },
    inboundDelivered: 0,
    pending: 0,
    inFlight: 0,
    lastError: null,
  };
}

/**
 * Posts status and inbound webhooks like 360dialog: to the URL registered for the key, with its
 * headers, several statuses per POST when many are waiting, a bounded number of POSTs in flight per
 * key, and redelivery with capped exponential backoff until the receiver answers 200.
 */
export class WebhookDispatcher {
  private readonly scheduled = new TimedQueue<{ apiKey: string; event: StatusEvent }>();
  private readonly retries = new TimedQueue<Delivery>();
  private readonly queues = new Map<string, KeyQueue>();
  private readonly agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  private counters = emptyStats();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    public options: WebhookDeliveryOptions,
    private readonly keyInfo: (apiKey: string) => WebhookKeyInfo | undefined,
  ) {}

  get stats(): WebhookStats {
    let waiting = this.scheduled.size + this.retries.size;
    for (const queue of this.queues.values()) waiting += queue.statuses.length + queue.deliveries.length;
    return { ...this.counters, statusesDeliveredByStatus: { ...this.counters.statusesDeliveredByStatus }, pending: waiting + this.inFlight, inFlight: this.inFlight };
  }

  scheduleStatus(apiKey: string, event: StatusEvent, delayMs: number): void {
    if (this.closed) return;
    this.scheduled.push(performance.now() + delayMs, { apiKey, event });
    this.ensureTimer();
  }

  /** Posts a prepared body (an inbound message, an account signal) as soon as possible; resolves with whether it was delivered. */
  deliverNow(apiKey: string, body: WebhookBody | SignalWebhookBody, inbound: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.queue(apiKey).deliveries.push({ apiKey, body: JSON.stringify(body), statuses: [], inbound, attempts: 0, settle: resolve });
      this.ensureTimer();
      this.pump();
    });
  }

  /** Resolves true once nothing is waiting or in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timeout);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Forgets everything queued and the counters; POSTs in flight finish but are not retried. */
  reset(): void {
    this.scheduled.clear();
    for (const delivery of this.retries.clear()) delivery.settle?.(false);
    for (const queue of this.queues.values()) {
      for (const delivery of queue.deliveries) delivery.settle?.(false);
      queue.statuses = [];
      queue.deliveries = [];
    }
    this.counters = emptyStats();
    this.notifyIfIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.agent.destroy();
  }

  private queue(apiKey: string): KeyQueue {
    let queue = this.queues.get(apiKey);
    if (!queue) {
      queue = { statuses: [], deliveries: [], inFlight: 0 };
      this.queues.set(apiKey, queue);
    }
    return queue;
  }

  private ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.pump(), TICK_MS);
    this.timer.unref();
  }

  private pump(): void {
    if (this.closed) return;
    const now = performance.now();
    for (const { apiKey, event } of this.scheduled.popDue(now)) this.queue(apiKey).statuses.push(event);
    for (const delivery of this.retries.popDue(now)) this.queue(delivery.apiKey).deliveries.push(delivery);

    for (const [apiKey, queue] of this.queues) {
      if (queue.statuses.length === 0 && queue.deliveries.length === 0) continue;
      const info = this.keyInfo(apiKey);
      if (!info?.webhook) {
        this.counters.dropped += queue.statuses.length + queue.deliveries.reduce((sum, delivery) => sum + delivery.statuses.length, 0);
        for (const delivery of queue.deliveries) delivery.settle?.(false);
        queue.statuses = [];
        queue.deliveries = [];
        continue;
      }
      while (queue.inFlight < this.options.concurrency) {
        let delivery = queue.deliveries.shift();
        if (!delivery && queue.statuses.length > 0) {
          const statuses = queue.statuses.splice(0, this.options.batchSize);
          delivery = { apiKey, body: JSON.stringify(statusWebhookBody(info.generation, statuses, info.account)), statuses, inbound: 0, attempts: 0 };
        }
        if (!delivery) break;
        void this.post(delivery, queue, info.webhook);
      }
    }

    if (this.isIdle() && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.notifyIfIdle();
  }

  private async post(delivery: Delivery, queue: KeyQueue, target: WebhookTarget): Promise<void> {
    queue.inFlight += 1;
    this.inFlight += 1;
    this.counters.posts += 1;
    let delivered = false;
    try {
      const response = await request(target.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { ...target.headers, 'content-type': 'application/json', 'user-agent': '360dialog-sandbox' },
        body: delivery.body,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      await response.body.dump();
      delivered = response.statusCode === 200;
      if (!delivered) this.counters.lastError = `HTTP ${response.statusCode} from ${target.url}`;
    } catch (error) {
      this.counters.lastError = `${errorMessage(error)} (${target.url})`;
    }
    queue.inFlight -= 1;
    this.inFlight -= 1;
    if (this.closed) {
      delivery.settle?.(false);
      return;
    }
    if (delivered) {
      this.counters.delivered += 1;
      this.counters.statusesDelivered += delivery.statuses.length;
      for (const status of delivery.statuses) this.counters.statusesDeliveredByStatus[status.status] += 1;
      this.counters.inboundDelivered += delivery.inbound;
      delivery.settle?.(true);
    } else {
      this.counters.failedAttempts += 1;
      delivery.attempts += 1;
      if (delivery.attempts >= this.options.maxAttempts) {
        this.counters.givenUp += 1;
        delivery.settle?.(false);
      } else {
        const delay = webhookRetryDelayMs(delivery.attempts, this.options.initialRetryDelayMs, this.options.maxRetryDelayMs);
        this.retries.push(performance.now() + delay, delivery);
        this.ensureTimer();
      }
    }
    this.pump();
  }

  private isIdle(): boolean {
    if (this.inFlight > 0 || this.scheduled.size > 0 || this.retries.size > 0) return false;
    for (const queue of this.queues.values()) if (queue.statuses.length > 0 || queue.deliveries.length > 0) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
