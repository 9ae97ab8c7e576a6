import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CampaignsRepository } from '../campaigns/campaigns.repository.js';
import { ChannelEventsRepository } from '../channels/channel-events.repository.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { TemplatesRepository } from '../channels/templates/templates.repository.js';
import { ContactsRepository, type MarketingPreference } from '../contacts/contacts.repository.js';
import {
  type AccountChange,
  type AccountEvent,
  restrictsSending,
  type TemplateCategoryChange,
  TEMPLATE_STOP_EVENTS,
  type TemplateStatusChange,
  type UserPreferenceChange,
} from '../whatsapp/account-events.js';
import { accountSummary, capabilitySummary, marketingNotice, qualitySummary, storedLimit, summaryOf, templatePauseReason } from './account-signal-text.js';
import type { BatchTally, ItemPlan } from './batch-plan.js';

const USER_PREFERENCES_SOURCE = 'whatsapp_user_preferences';

/**
 * Applies what WhatsApp says about the account rather than a message (whatsapp/account-events.ts), in
 * the batch's transaction. These webhooks name only the WABA or display number, so each is routed to
 * the channel whose webhook URL received it (the inbox item's channel). Each channel-level event is
 * recorded in channel_events first; a replayed one (same channel, kind, time and detail) acts no more.
 * - template status: stored on the template; a stop event (PAUSED, DISABLED, …) pauses the campaigns
 *   of the channel that use it and run or wait to. APPROVED and the like only store the status: a
 *   person resumes the campaigns (resume checks the registry);
 * - template category: stored; becoming MARKETING puts a notice on the campaigns that use it;
 * - account update: shown on the channel; one that restricts sending now pauses the channel and its
 *   campaigns (an expired restriction is history and pauses nothing);
 * - quality and capability updates: quality rating and announced messaging limit stored on the channel;
 * - user preferences: a marketing stop opts the person out of marketing, a resume is only recorded;
 * - value-level errors (no message id): a channel event, never a recipient's failure;
 * - any other field: counted and ignored (the inbox keeps the body).
 */
@Injectable()
export class AccountSignalsApplier {
  private readonly logger = new Logger(AccountSignalsApplier.name);

  constructor(
    private readonly channels: ChannelsRepository,
    private readonly channelEvents: ChannelEventsRepository,
    private readonly templates: TemplatesRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async apply(db: EntityManager, plans: readonly ItemPlan[], tally: BatchTally): Promise<void> {
    const now = new Date();
    for (const plan of plans) {
      const channelId = plan.item.channel_id;
      for (const event of plan.accountEvents) await this.applyEvent(db, channelId, plan, event, now, tally);
      for (const error of plan.valueErrors) {
        const detail = { code: error.code, title: error.title, inboxId: plan.item.id };
        const recorded = await this.channelEvents.record({ channelId, kind: 'value_error', detail, occurredAt: new Date(plan.item.received_at) }, db);
        count(tally, recorded ? 'value_error' : 'duplicate');
      }
    }
  }

  private async applyEvent(db: EntityManager, channelId: string, plan: ItemPlan, event: AccountEvent, now: Date, tally: BatchTally): Promise<void> {
    if (event.kind === 'other') return count(tally, 'other');
    if (event.kind === 'user_preference') return count(tally, await this.applyPreference(db, channelId, plan, event));
    const { occurredAt, ...detail } = event;
    const recorded = await this.channelEvents.record({ channelId, kind: event.kind, detail: jsonDetail(detail), occurredAt }, db);
    if (!recorded) return count(tally, 'duplicate');
    count(tally, event.kind);
    switch (event.kind) {
      case 'template_status':
        return this.applyTemplateStatus(db, channelId, event, tally);
      case 'template_category':
        return this.applyTemplateCategory(db, channelId, event);
      case 'account_update':
        return this.applyAccountUpdate(db, channelId, event, now, tally);
      case 'phone_quality':
        await this.channels.recordAccountSignal(
          channelId,
          { summary: summaryOf(event.kind, event.event, qualitySummary(event), occurredAt), qualityRating: event.event, whatsappMessagingLimit: storedLimit(event.messagingLimit) },
          db,
        );
        return;
      case 'business_capability':
        await this.channels.recordAccountSignal(
          channelId,
          { summary: summaryOf(event.kind, 'BUSINESS_CAPABILITY_UPDATE', capabilitySummary(event), occurredAt), whatsappMessagingLimit: storedLimit(event.messagingLimit) },
          db,
        );
        return;
    }
  }

  private async applyTemplateStatus(db: EntityManager, channelId: string, event: TemplateStatusChange, tally: BatchTally): Promise<void> {
    const key = await this.templates.recordWebhookStatus({ channelId, name: event.name, language: event.language, templateId: event.templateId, status: event.event, reason: event.reason }, db);
    if (!key || !TEMPLATE_STOP_EVENTS.has(event.event)) return;
    const paused = await this.campaigns.pauseForTemplate({ channelId, ...key }, templatePauseReason(event, key), db);
    if (paused.length === 0) return;
    count(tally, 'template_campaign_paused', paused.length);
    this.logger.warn(`channel ${channelId}: template ${key.name} (${key.language}) ${event.event}: paused campaigns ${paused.join(', ')}`);
  }

  private async applyTemplateCategory(db: EntityManager, channelId: string, event: TemplateCategoryChange): Promise<void> {
    if (!event.newCategory) return;
    const key = await this.templates.recordWebhookCategory({ channelId, name: event.name, language: event.language, templateId: event.templateId, category: event.newCategory }, db);
    if (!key || event.newCategory !== 'MARKETING' || event.previousCategory === 'MARKETING') return;
    await this.campaigns.noteTemplateChange({ channelId, ...key }, marketingNotice(event, key), db);
  }

  private async applyAccountUpdate(db: EntityManager, channelId: string, event: AccountChange, now: Date, tally: BatchTally): Promise<void> {
    const summary = accountSummary(event, now);
    await this.channels.recordAccountSignal(channelId, { summary: summaryOf(event.kind, event.event, summary, event.occurredAt) }, db);
    if (!restrictsSending(event, now)) return;
    const reason = `WhatsApp account_update: ${summary}`;
    // The channel keeps its first reason if it is paused already; its campaigns are paused with it.
    await this.channels.pauseForSendFailure(channelId, reason, db);
    await this.campaigns.pauseChannelCampaignsForSendFailure(channelId, reason, db);
    count(tally, 'channel_paused');
    this.logger.warn(`channel ${channelId} paused: ${reason}`);
  }

  private async applyPreference(db: EntityManager, channelId: string, plan: ItemPlan, event: UserPreferenceChange): Promise<string> {
    if (!event.category.includes('marketing')) return 'user_preference_ignored';
    const proof = JSON.stringify({ channelId, inboxId: plan.item.id, category: event.category, value: event.value, detail: event.detail, timestamp: event.occurredAt.toISOString() });
    const preference: MarketingPreference = { waId: event.waId, at: event.occurredAt, source: USER_PREFERENCES_SOURCE, proof };
    if (event.value === 'stop') {
      await this.contacts.optOutOfMarketing([preference], db);
      return 'marketing_stop';
    }
    if (event.value === 'resume') {
      await this.contacts.recordMarketingResume([preference], db);
      return 'marketing_resume';
    }
    return 'user_preference_ignored';
  }
}

function count(tally: BatchTally, kind: string, by = 1): void {
  tally.signals.set(kind, (tally.signals.get(kind) ?? 0) + by);
}

/** jsonb keeps no Infinity nor Date: an unlimited limit is written "unlimited", a time in ISO 8601. */
function jsonDetail(detail: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(detail, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? 'unlimited' : value))) as Record<string, unknown>;
}
