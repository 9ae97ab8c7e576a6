import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CampaignsRepository } from '../campaigns/campaigns.repository.js';
import type { MarketingLimitWait, RecipientStatusEvent, StatusRecipient } from '../campaigns/recipient-statuses.queries.js';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { AppConfig } from '../config/app-config.js';
import { ContactsRepository, type MarketingPreference } from '../contacts/contacts.repository.js';
import { classifyRecipientError, MARKETING_MESSAGES_INELIGIBLE_CODE, MARKETING_OPT_OUT_CODE, marketingLimitRetryAt, marketingMessagesPauseReason } from '../whatsapp/send-errors.js';

/**
 * What a status means beyond the recipient's state (whatsapp/send-errors.ts, the same table the sender
 * follows), in the batch's transaction, after the statuses were applied:
 * - failed with 131050: the contact is opted out of marketing, with a consent event (the recipient fails),
 *   and the campaign message that person got before it (within REPLY_ATTRIBUTION_HOURS) counts the
 *   opt-out in its campaign's engagement.optedOut;
 * - failed with 131049: not final; the recipient waits for a retry (24 h, then 48 h, bounded, never past
 *   the campaign's validUntil), else it stays failed;
 * - failed with 131055 (the Marketing Messages API refused it after accepting the call): the recipient
 *   fails, and the channel's marketing campaigns (and the one that met it) are paused with the same
 *   reason as when the send answer carries it (sender/outcome-policy.ts) — also with
 *   marketingMessagesFallback: the message was accepted with an id, so resending it through /messages
 *   is a new message the engine does not send on its own; the reason names the ways out;
 * - failed with 130472 (or anything else): failed, nothing more;
 * - a business-scoped user id is stored on the contact.
 */
@Injectable()
export class StatusErrorPolicy {
  private readonly maxRetries: number;
  private readonly attributionHours: number;

  constructor(
    config: AppConfig,
    private readonly recipients: RecipientsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
  ) {
    this.maxRetries = config.env.MARKETING_LIMIT_MAX_RETRIES;
    this.attributionHours = config.env.REPLY_ATTRIBUTION_HOURS;
  }

  /** `fresh`: the events applied now (each seen for the first time); `found`: their recipients by id. */
  async apply(fresh: readonly RecipientStatusEvent[], found: ReadonlyMap<string, StatusRecipient>, db: EntityManager): Promise<void> {
    const optOuts: MarketingPreference[] = [];
    const attributed: Array<{ channelId: string; waId: string; at: Date; failingRecipientId: string }> = [];
    const waits: MarketingLimitWait[] = [];
    const userIds = new Map<string, string>();
    /** 131055 per channel: the first campaign that met it and its error. */
    const ineligible = new Map<string, { campaignId: string; description: string }>();
    for (const event of fresh) {
      const recipient = found.get(event.recipientId);
      if (!recipient) continue;
      if (event.userId) userIds.set(recipient.contactId, event.userId);
      if (event.status !== 'failed' || event.errorCode === null) continue;
      if (event.errorCode === MARKETING_MESSAGES_INELIGIBLE_CODE && !ineligible.has(recipient.channelId)) {
        ineligible.set(recipient.channelId, { campaignId: recipient.campaignId, description: `${event.errorCode} ${event.errorTitle ?? ''}`.trim() });
      }
      const kind = classifyRecipientError(event.errorCode);
      if (kind === 'marketing_opt_out') {
        const proof = JSON.stringify({ messageId: event.messageId, campaignId: recipient.campaignId, error: event.errorTitle });
        optOuts.push({ waId: recipient.waId, at: event.occurredAt, source: `whatsapp_error_${MARKETING_OPT_OUT_CODE}`, proof });
        attributed.push({ channelId: recipient.channelId, waId: recipient.waId, at: event.occurredAt, failingRecipientId: recipient.id });
      } else if (kind === 'marketing_limit') {
        const retryAt = marketingLimitRetryAt({ retriesSoFar: recipient.marketingLimitRetries, maxRetries: this.maxRetries, at: event.occurredAt, validUntil: recipient.validUntil });
        if (retryAt) waits.push({ recipientId: recipient.id, messageId: event.messageId, retryAt });
      }
    }
    if (optOuts.length) await this.contacts.optOutOfMarketing(optOuts, db);
    await this.recipients.attributeMarketingOptOuts(attributed, this.attributionHours, db);
    if (userIds.size) await this.contacts.recordUserIds([...userIds].map(([contactId, userId]) => ({ contactId, userId })), db);
    const waiting = await this.recipients.waitForMarketingLimit(waits, db);
    await this.campaigns.reopenForRetries(waiting, db);
    for (const [channelId, { campaignId, description }] of ineligible) {
      await this.campaigns.pauseMarketingCampaignsForSendFailure(channelId, campaignId, marketingMessagesPauseReason(`status webhook: ${description}`), db);
    }
  }
}
