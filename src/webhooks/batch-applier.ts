import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';
import { isCharged } from '../pricing/rate-plan.js';
import { RateCardService } from '../pricing/rate-card.service.js';
import { AccountSignalsApplier } from './account-signals-applier.js';
import { type BatchTally, emptyTally, planItem } from './batch-plan.js';
import { InboundApplier } from './inbound-applier.js';
import type { ClaimedItem } from './inbox.repository.js';
import { ItemSettling } from './item-settling.js';
import { StatusApplier } from './status-applier.js';

/**
 * Applies claimed inbox items, all in the caller's one transaction: maps both payload generations to
 * events (batch-plan.ts), applies the status events (StatusApplier) then the inbound messages
 * (InboundApplier) set-based, the account signals (AccountSignalsApplier), and settles every item (ItemSettling). What it did is tallied, and counted
 * into the metrics by the caller once the transaction has committed.
 */
@Injectable()
export class BatchApplier {
  constructor(
    private readonly metrics: MetricsService,
    private readonly statuses: StatusApplier,
    private readonly inbound: InboundApplier,
    private readonly settling: ItemSettling,
    private readonly signals: AccountSignalsApplier,
    private readonly rateCard: RateCardService,
  ) {}

  async apply(db: EntityManager, items: readonly ClaimedItem[]): Promise<BatchTally> {
    const tally = emptyTally();
    if (items.length === 0) return tally;
    const plans = items.map(planItem);
    const matched = await this.statuses.apply(db, plans, tally);
    await this.inbound.apply(db, plans, tally);
    await this.signals.apply(db, plans, tally);
    await this.settling.settle(db, plans, matched, tally);
    return tally;
  }

  /** Counts a committed batch into wa_webhook_events_total. */
  count(tally: BatchTally): void {
    const events = this.metrics.webhookEvents;
    for (const [status, count] of tally.applied) events.inc({ kind: 'status', status }, count);
    if (tally.duplicates > 0) events.inc({ kind: 'any', status: 'duplicate' }, tally.duplicates);
    if (tally.unknownRetried > 0) events.inc({ kind: 'status', status: 'unknown_message_retry' }, tally.unknownRetried);
    if (tally.unknownParked > 0) events.inc({ kind: 'status', status: 'unknown_message_parked' }, tally.unknownParked);
    if (tally.inbound > 0) events.inc({ kind: 'message', status: 'inbound' }, tally.inbound);
    if (tally.optOuts > 0) events.inc({ kind: 'message', status: 'opt_out' }, tally.optOuts);
    for (const [kind, count] of tally.signals) events.inc({ kind: 'account', status: kind }, count);
    if (tally.parkedItems > 0) events.inc({ kind: 'inbox', status: 'parked_unreadable' }, tally.parkedItems);
    this.countCost(tally);
  }

  /** wa_charged_messages_total and wa_message_cost_total: each message once, when its pricing was first stored. */
  private countCost(tally: BatchTally): void {
    const { plan } = this.rateCard;
    const charged = new Map<string, { channel: string; category: string; messages: number; micros: number }>();
    for (const message of tally.priced) {
      if (!isCharged(message)) continue;
      const category = message.category!.toLowerCase();
      const key = `${message.channelId}\u0000${category}`;
      let sum = charged.get(key);
      if (!sum) charged.set(key, (sum = { channel: message.channelId, category, messages: 0, micros: 0 }));
      sum.messages += 1;
      sum.micros += plan.priceFor(message.waId, category).micros;
    }
    for (const sum of charged.values()) {
      this.metrics.chargedMessages.inc({ channel: sum.channel, category: sum.category }, sum.messages);
      // A Prometheus counter is a float: the sum of a batch is exact in micro-units, converted once.
      this.metrics.messageCost.inc({ channel: sum.channel, category: sum.category, currency: plan.card.currency }, sum.micros / 1_000_000);
    }
  }
}
