import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InboundReply } from '../campaigns/replies.queries.js';
import { RepliesRepository } from '../campaigns/replies.repository.js';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { AppConfig } from '../config/app-config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import type { KeywordOptOut } from '../contacts/inbound.queries.js';
import type { InboundMessageEvent } from '../whatsapp/webhook-events.js';
import type { BatchTally, ItemPlan } from './batch-plan.js';
import { MessageEventsRepository } from './message-events.repository.js';
import { createOptOutMatcher, type OptOutMatcher } from './opt-out-keywords.js';

interface Inbound {
  plan: ItemPlan;
  event: InboundMessageEvent;
}

/**
 * Applies the inbound messages of a batch, set-based, in the batch's transaction: records their ids in
 * message_events (a repeated message is a no-op), opens the senders' 24 h service window, and opts out
 * the senders whose message is an opt-out keyword (opt-out-keywords.ts), with the message as proof
 * (ContactsRepository). Each new message is also attributed to the campaign message it answers
 * (RepliesRepository: by context.id, else the latest one within REPLY_ATTRIBUTION_HOURS) and its
 * recipient gains the reply, the clicked button and an opt-out (RecipientsRepository). Only messages
 * seen for the first time get here, so a redelivered webhook counts nothing twice.
 */
@Injectable()
export class InboundApplier {
  private readonly matcher: OptOutMatcher;
  private readonly attributionHours: number;

  constructor(
    config: AppConfig,
    private readonly history: MessageEventsRepository,
    private readonly contacts: ContactsRepository,
    private readonly replies: RepliesRepository,
    private readonly recipients: RecipientsRepository,
  ) {
    this.matcher = createOptOutMatcher(config.env.OPT_OUT_KEYWORDS);
    this.attributionHours = config.env.REPLY_ATTRIBUTION_HOURS;
  }

  async apply(db: EntityManager, plans: readonly ItemPlan[], tally: BatchTally): Promise<void> {
    const inbound = plans.flatMap((plan) => plan.messages.map((event): Inbound => ({ plan, event })));
    if (inbound.length === 0) return;
    const firstById = new Map<string, Inbound>();
    for (const message of inbound) if (!firstById.has(message.event.messageId)) firstById.set(message.event.messageId, message);
    const candidates = [...firstById.values()];
    const inserted = await this.history.insertInboundEvents(
      candidates.map(({ event }) => ({ messageId: event.messageId, occurredAt: event.timestamp })),
      db,
    );
    tally.duplicates += inbound.length - inserted.length;
    if (inserted.length === 0) return;
    // In the order the messages came (RETURNING promises no order): replies are listed in it.
    const insertedIds = new Set(inserted);
    const fresh = candidates.filter(({ event }) => insertedIds.has(event.messageId));
    tally.inbound += fresh.length;
    await this.contacts.touchLastInbound(
      fresh.map(({ event }) => ({ waId: event.fromWaId, at: event.timestamp })),
      db,
    );

    await this.recordReplies(fresh, db);

    const optOuts = fresh.flatMap(({ plan, event }): KeywordOptOut[] => {
      const keyword = this.matcher.match(event.text);
      if (!keyword) return [];
      const proof = JSON.stringify({
        channelId: plan.item.channel_id,
        messageId: event.messageId,
        from: event.fromWaId,
        text: event.text,
        timestamp: event.timestamp.toISOString(),
        inboxId: plan.item.id,
      });
      return [
        {
          waId: event.fromWaId,
          occurredAt: event.timestamp,
          reason: `inbound keyword "${keyword}"`,
          reasonIfUnknown: `inbound keyword "${keyword}" from a number not in contacts (opted-out-unknown)`,
          proof,
        },
      ];
    });
    if (optOuts.length === 0) return;
    const changed = await this.contacts.optOutByKeyword(optOuts, db);
    tally.optOuts += changed.length;
  }

  /** Replies and clicks on campaign messages (see the class comment). */
  private async recordReplies(fresh: readonly Inbound[], db: EntityManager): Promise<void> {
    const replies = fresh.map(
      ({ plan, event }): InboundReply => ({
        messageId: event.messageId,
        channelId: plan.item.channel_id,
        waId: event.fromWaId,
        at: event.timestamp,
        contextId: event.contextId ?? null,
        type: event.type,
        text: event.text ?? null,
        buttonKind: event.button?.kind ?? null,
        buttonPayload: event.button?.payload ?? null,
        buttonText: event.button?.text ?? null,
        optOut: this.matcher.match(event.text) !== null,
      }),
    );
    const recorded = await this.replies.record(replies, this.attributionHours, db);
    await this.recipients.recordEngagement(recorded, db);
  }
}
