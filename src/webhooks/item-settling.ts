import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { statusEventsToBody, type StatusEvent } from '../whatsapp/webhook-events.js';
import { type BatchTally, type ItemPlan, unique } from './batch-plan.js';
import { type RetryDecision, unknownMessageDecision } from './inbox-retry.js';
import { type ClaimedItem, type InboxDeferral, type InboxRemainder, InboxRepository } from './inbox.repository.js';

const MAX_LISTED_IDS = 5;

/**
 * Settles the claimed items of a batch once their events are applied, in the batch's transaction:
 * processed, retried later, or parked.
 *
 * Unknown message ids: an item whose status events all name unknown messages stays in the inbox
 * (attempts, next_attempt_at, last_error) and is retried with backoff until
 * WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS after receipt, then parked. When only some events of a body
 * are unknown, the others are applied and the body is split: the unknown remainder becomes a new inbox
 * row (On-Premise shape, same received_at) that follows the same retry rule, and the original row is
 * marked processed. A body that is not JSON is parked at once.
 */
@Injectable()
export class ItemSettling {
  constructor(
    private readonly config: AppConfig,
    private readonly inbox: InboxRepository,
  ) {}

  /** `matched`: the status events applied to (or already recorded for) a recipient; the others are unknown. */
  async settle(db: EntityManager, plans: readonly ItemPlan[], matched: Set<StatusEvent>, tally: BatchTally): Promise<void> {
    const now = new Date();
    const retrySeconds = this.config.env.WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS;
    const processed: string[] = [];
    const deferred: InboxDeferral[] = [];
    const remainders: InboxRemainder[] = [];

    for (const plan of plans) {
      if (plan.unreadable) {
        deferred.push({ id: plan.item.id, decision: { action: 'park' }, lastError: plan.unreadable });
        tally.parkedItems++;
        continue;
      }
      const unknown = plan.statuses.filter((event) => !matched.has(event));
      if (unknown.length === 0) {
        processed.push(plan.item.id);
        continue;
      }
      const attempts = plan.item.attempts + 1;
      const decision = unknownMessageDecision({ receivedAt: new Date(plan.item.received_at), attempts, now, retrySeconds });
      const lastError = unknownReason(unknown, decision, attempts, plan.item);
      if (decision.action === 'park') tally.unknownParked += unknown.length;
      else tally.unknownRetried += unknown.length;
      const allUnknown = unknown.length === plan.statuses.length && plan.messages.length === 0;
      if (allUnknown) {
        deferred.push({ id: plan.item.id, decision, lastError });
      } else {
        processed.push(plan.item.id);
        remainders.push({
          channelId: plan.item.channel_id,
          body: statusEventsToBody(unknown),
          state: decision.action === 'park' ? 'parked' : 'pending',
          receivedAt: plan.item.received_at,
          nextAttemptAt: decision.action === 'retry' ? decision.nextAttemptAt : now,
          attempts,
          lastError: `${lastError} (split from inbox item ${plan.item.id})`,
        });
      }
    }

    if (processed.length > 0) await this.inbox.markProcessed(processed, db);
    if (deferred.length > 0) await this.inbox.defer(deferred, db);
    if (remainders.length > 0) await this.inbox.insertRemainders(remainders, db);
  }
}

function unknownReason(unknown: StatusEvent[], decision: RetryDecision, attempts: number, item: ClaimedItem): string {
  const ids = unique(unknown.map((event) => event.messageId));
  const listed = ids.slice(0, MAX_LISTED_IDS).join(', ') + (ids.length > MAX_LISTED_IDS ? `, … (${ids.length} in all)` : '');
  if (decision.action === 'park') {
    const seconds = Math.round((Date.now() - new Date(item.received_at).getTime()) / 1000);
    return `parked: no campaign recipient of this channel has message id ${listed} after ${attempts} attempts over ${seconds} s`;
  }
  return `unknown message id ${listed}; attempt ${attempts}, retrying`;
}
