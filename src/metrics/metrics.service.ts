import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per application instance (tests boot several in one process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly messagesSent = new Counter({
    name: 'wa_messages_sent_total',
    help: 'Send attempts by outcome (accepted, throttled, transient, permanent, channel, unknown)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly sendLatency = new Histogram({
    name: 'wa_send_latency_seconds',
    help: 'Latency of 360dialog send calls',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookEvents = new Counter({
    name: 'wa_webhook_events_total',
    help: 'Webhook events applied, by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });

  readonly channelRate = new Gauge({
    name: 'wa_channel_rate_messages_per_second',
    help: 'Current send rate limit per channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly chargedMessages = new Counter({
    name: 'wa_charged_messages_total',
    help: 'Template messages WhatsApp charges (per-message pricing: billable, not a free type), counted once per message id when its pricing is first stored',
    labelNames: ['channel', 'category'] as const,
    registers: [this.registry],
  });

  readonly messageCost = new Counter({
    name: 'wa_message_cost_total',
    help: 'What the charged messages cost by the rate card (PRICING_RATE_CARD), in units of its currency; once per message id',
    labelNames: ['channel', 'category', 'currency'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read from the database at scrape time register through this. */
  gauge(name: string, help: string, collect: (gauge: Gauge) => Promise<void>, labelNames: string[] = []): Gauge {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }
}
