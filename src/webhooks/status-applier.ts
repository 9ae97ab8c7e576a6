import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RecipientStatusEvent, StatusRecipient } from '../campaigns/recipient-statuses.queries.js';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { statusWatermark } from '../campaigns/unknown-outcome.js';
import { parseCallbackData } from '../whatsapp/callback-data.js';
import type { StatusEvent } from '../whatsapp/webhook-events.js';
import { type BatchTally, type ItemPlan, unique } from './batch-plan.js';
import { MessageEventsRepository } from './message-events.repository.js';
import { StatusErrorPolicy } from './status-error-policy.js';

interface StatusRef {
  plan: ItemPlan;
  event: StatusEvent;
  callbackRecipientId: string | null;
  recipientId?: string;
}

/** A status matched to a recipient: one row of the history, and of the recipients' update. */
type MatchedStatus = RecipientStatusEvent & { event: StatusEvent };

/**
 * Applies the status events of a batch, set-based, in the batch's transaction: matches them to campaign
 * recipients, records them in message_events (the duplicate guard) and moves the recipients by those
 * seen for the first time (RecipientsRepository, APPLY_STATUS_EVENTS: forward only).
 */
@Injectable()
export class StatusApplier {
  constructor(
    private readonly recipients: RecipientsRepository,
    private readonly history: MessageEventsRepository,
    private readonly errorPolicy: StatusErrorPolicy,
  ) {}

  /** Returns the events matched to a recipient (applied now, or repeats of events applied before); the others are unknown. */
  async apply(db: EntityManager, plans: readonly ItemPlan[], tally: BatchTally): Promise<Set<StatusEvent>> {
    const statuses = plans.flatMap((plan) =>
      plan.statuses.map((event): StatusRef => ({ plan, event, callbackRecipientId: parseCallbackData(event.callbackData) })),
    );
    if (statuses.length === 0) return new Set();
    const found = await this.match(db, statuses);

    const matched = statuses.flatMap((ref): MatchedStatus[] => (ref.recipientId === undefined ? [] : [toMatched(ref.event, ref.recipientId)]));
    if (matched.length === 0) return new Set();
    const firstOfPair = new Map<string, MatchedStatus>();
    for (const status of matched) {
      const key = pairKey(status.messageId, status.status);
      if (!firstOfPair.has(key)) firstOfPair.set(key, status);
    }
    const candidates = [...firstOfPair.values()];

    await this.recipients.lockForStatuses(unique(candidates.map((status) => status.recipientId)), db);
    const inserted = await this.history.insertStatusEvents(candidates, db);
    tally.duplicates += matched.length - inserted.length;
    const matchedEvents = new Set(matched.map((status) => status.event));
    if (inserted.length === 0) return matchedEvents;
    const fresh = inserted.flatMap((row) => firstOfPair.get(pairKey(row.messageId, row.status)) ?? []);
    for (const priced of await this.recipients.applyStatusEvents(fresh, db)) tally.priced.push(priced);
    await this.errorPolicy.apply(fresh, found, db);
    for (const status of fresh) tally.applied.set(status.status, (tally.applied.get(status.status) ?? 0) + 1);
    const now = new Date();
    for (const status of fresh) {
      const recipient = found.get(status.recipientId);
      if (!recipient?.dispatchedAt) continue;
      const seen = statusWatermark(recipient.dispatchedAt, status.event.timestamp, now);
      const through = tally.statusesSeenThrough.get(recipient.channelId);
      if (!through || through < seen) tally.statusesSeenThrough.set(recipient.channelId, seen);
    }
    return matchedEvents;
  }

  /**
   * Matches each status to a recipient of the item's channel: by message id, else by the callback data
   * `r:<recipient id>` when that recipient has no message id yet (or this one); a message id learned
   * that way also matches the batch's other events of that message.
   */
  private async match(db: EntityManager, statuses: StatusRef[]): Promise<Map<string, StatusRecipient>> {
    const rows = await this.recipients.findForStatuses(
      {
        messageIds: unique(statuses.map((ref) => ref.event.messageId)),
        recipientIds: unique(statuses.flatMap((ref) => (ref.callbackRecipientId ? [ref.callbackRecipientId] : []))),
      },
      db,
    );
    const byMessage = new Map<string, StatusRecipient>();
    const byId = new Map<string, StatusRecipient>();
    for (const row of rows) {
      byId.set(row.id, row);
      if (row.messageId !== null) byMessage.set(row.messageId, row);
    }
    for (const ref of statuses) {
      const channelId = ref.plan.item.channel_id;
      const known = byMessage.get(ref.event.messageId);
      if (known) {
        if (known.channelId === channelId) ref.recipientId = known.id;
        continue;
      }
      const named = ref.callbackRecipientId ? byId.get(ref.callbackRecipientId) : undefined;
      if (named && named.channelId === channelId && named.messageId === null) {
        named.messageId = ref.event.messageId;
        byMessage.set(ref.event.messageId, named);
        ref.recipientId = named.id;
      }
    }
    for (const ref of statuses) {
      if (ref.recipientId) continue;
      const learned = byMessage.get(ref.event.messageId);
      if (learned && learned.channelId === ref.plan.item.channel_id) ref.recipientId = learned.id;
    }
    return byId;
  }
}

function toMatched(event: StatusEvent, recipientId: string): MatchedStatus {
  return {
    event,
    recipientId,
    messageId: event.messageId,
    status: event.status,
    occurredAt: event.timestamp,
    errorCode: event.errors?.[0]?.code ?? null,
    errorTitle: event.errors?.[0]?.title ?? null,
    pricing: event.pricing ?? null,
    userId: event.recipientUserId ?? null,
  };
}

function pairKey(messageId: string, status: string): string {
  return `${messageId}\u0000${status}`;
}
