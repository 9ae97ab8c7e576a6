import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ClaimedRecipient } from '../campaigns/recipient-sends.queries.js';
import { type ClaimResult, RecipientsRepository } from '../campaigns/recipients.repository.js';
import type { Channel } from '../channels/channel.entity.js';
import { effectiveMessagingLimit } from '../channels/messaging-limit.js';
import { ApiKeyUnreadableError, ChannelsService } from '../channels/channels.service.js';
import { errorMessage } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { ChannelCredentials, SendEndpoint, SendResult, Template, TemplateMessage } from '../whatsapp/types.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';
import { ChannelLimiters } from './channel-limiters.js';
import { ConversationsRepository } from './conversations.repository.js';
import { OutcomeHandler } from './outcome-handler.js';
import { planPacing } from './pacing.js';
import { claimSize } from './rate-plan.js';
import { fallsBackToMessages, MarketingRefusals, sendEndpointFor } from './send-endpoint.js';
import { SendSlots } from './send-slots.js';
import type { RunningCampaign } from './sender.queries.js';
import { claimSettings, sendingFor } from './variant-routing.js';

/** Seconds of sending a worker keeps claimed ahead per channel: enough to keep the pipe full, small enough that pause bites fast. */
const CLAIM_AHEAD_SECONDS = 1;
/** With a messaging limit, this many rows beyond the budget allowed now are looked at for recipients that cost none (an open customer-service window). */
const FREE_LOOKAHEAD = 20;

/**
 * One channel's turn: claims due recipients, pushes them through the channel's limiter in weighted
 * batches (confirm, send, release what was not sent) and hands each answer to the OutcomeHandler.
 * Stateless between turns: anything claimed and not finished is recovered by lease.
 */
@Injectable()
export class BatchSender {
  private readonly logger = new Logger(BatchSender.name);
  /** Recipients claimed by this worker and not yet answered, per channel. */
  private readonly queued = new Map<string, Set<string>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Open 360dialog calls per channel, at most SENDER_MAX_IN_FLIGHT each (send-slots.ts). */
  private readonly slots = new Map<string, SendSlots>();
  private readonly marketingRefusals = new MarketingRefusals();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly client: WhatsAppClient,
    private readonly limiters: ChannelLimiters,
    private readonly metrics: MetricsService,
    private readonly recipients: RecipientsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly answers: OutcomeHandler,
  ) {}

  /** Claims and schedules what the channel has room for; returns whether more work is waiting right now. */
  async claimAndSend(channel: Channel, campaigns: RunningCampaign[], now = new Date()): Promise<boolean> {
    // Applies a changed messagesPerSecond, or the end of a throttling slowdown, before anything else.
    const batchSize = this.limiters.batchSize(channel.id, channel.messagesPerSecond);
    const queued = this.queuedFor(channel.id);
    // Claim about a second of sending: enough to keep the pipe full, far inside the lease.
    const target = Math.max(1, Math.ceil(channel.messagesPerSecond * CLAIM_AHEAD_SECONDS));
    // Never capped below one full batch: a claim smaller than a slot's share would send that much per slot.
    const cap = Math.max(this.config.env.SENDER_BATCH_SIZE * 5, batchSize);
    const free = Math.min(target - queued.size, cap);
    // Claims wait until half a second's sending (or a full claim) is free: each claim pays a pick and the
    // claim statement's fixed costs, so at thousands of sends per second a claim per batch sent (~1,000
    // rows) cost the database far more than one claim per 5,000 does (docs/performance.md, send, fourth pass).
    if (free < Math.max(1, Math.min(target / 2, cap))) return false;
    const room = claimSize(free, batchSize);

    const claim = await this.claim(channel, campaigns, room, now);
    if (claim === 'limit_reached') return false;
    const { claimed } = claim;
    // A full pick that moved rows on (sent, skipped, or written waiting: a recipient-local window, a cap)
    // means more may be due now; one that only left rows (no budget yet) does not.
    const more = claim.picked === room && claimed.length + claim.waited > 0;
    const toSend = claimed.filter((recipient) => recipient.status === 'sending');
    if (toSend.length === 0) return more || claimed.length > 0;
    const credentials = await this.readableCredentials(channel, toSend);
    if (!credentials) return false;

    const campaignsById = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
    this.metrics.channelRate.set({ channel: channel.id }, this.limiters.currentRate(channel.id));
    for (const recipient of toSend) queued.add(recipient.id);
    for (let start = 0; start < toSend.length; start += batchSize) {
      const batch = toSend.slice(start, start + batchSize);
      /** Rows passed to client.send: whatever happens afterwards, they are never given back as unsent. */
      const handedOver = new Set<string>();
      const job = this.limiters
        .schedule(channel.id, channel.messagesPerSecond, () => this.sendBatch(channel, credentials, batch, campaignsById, handedOver))
        .catch(async (error: unknown) => {
          const unsent = batch.filter((recipient) => !handedOver.has(recipient.id));
          this.logger.error(`batch for channel ${channel.id}: ${unsent.length} of ${batch.length} not sent: ${errorMessage(error)}`);
          try {
            await this.release(channel.id, unsent);
          } catch (releaseError) {
            // Their lease runs out and recovery re-queues them (never dispatched: at once).
            this.logger.error(`releasing ${unsent.length} unsent recipients failed: ${errorMessage(releaseError)}`);
          }
        });
      this.track(job);
    }
    return more;
  }

  /** Resolves once every batch scheduled so far has settled. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Claims up to `room` due recipients at `now` (recipient-claim.queries.ts decides send, skip or wait
   * row by row: recipient-local windows, frequency caps). A channel with a messaging limit claims under
   * a per-channel advisory lock and paces its remaining 24 h budget (pacing.ts): only the conversations
   * the plan allows now are opened; recipients inside an open customer-service window cost none.
   */
  private async claim(channel: Channel, campaigns: RunningCampaign[], room: number, now: Date): Promise<ClaimResult | 'limit_reached'> {
    // Per (campaign, variant): an A/B recipient is capped and counted by its own variant's template (variant-routing.ts).
    const claimCampaigns = claimSettings(campaigns, this.config.env.MARKETING_FREQUENCY_CAP);
    const claim = {
      campaigns: claimCampaigns,
      leaseSeconds: this.config.env.SEND_LEASE_SECONDS,
      claimId: randomUUID(),
      now,
      unknownOutcomeMaxWaitSeconds: this.config.env.UNKNOWN_OUTCOME_MAX_WAIT_SECONDS,
    };
    const limit = effectiveMessagingLimit(channel).limit;
    if (limit === null) return this.recipients.claimForSending({ ...claim, limit: room, budget: null });
    return this.dataSource.transaction(async (db) => {
      await this.conversations.lockChannelLimit(channel.id, db);
      const window = await this.conversations.inWindow(channel.id, now, db);
      const plan = planPacing({ limit, open: window.open, oldest: window.oldest, nextSlotAt: await this.conversations.nextSlot(channel.id, db), now });
      // Beyond the budget, only the head of the queue is looked at for recipients that cost none.
      const result = await this.recipients.claimForSending({ ...claim, limit: Math.min(room, plan.allowed + FREE_LOOKAHEAD), budget: plan.allowed }, db);
      const rows = result.claimed;
      const sending = rows.filter((row) => row.status === 'sending' && !row.service_window).map((row) => row.wa_id);
      const opened = sending.length > 0 ? await this.conversations.reserve(channel.id, sending, now, db) : 0;
      if (opened > 0) await this.conversations.setNextSlot(channel.id, plan.nextSlotAfter(opened), db);
      if (plan.remaining === 0 && rows.length === 0) {
        await this.recipients.waitForMessagingLimit({ campaignIds: campaigns.map((campaign) => campaign.id), until: plan.refillAt }, db);
        return 'limit_reached' as const;
      }
      return result;
    });
  }

  /**
   * Runs when the limiter grants the batch its slot: waits until it fits in the channel's sliding
   * second of actual sends (a batch before it may have left late), confirms (the campaigns still run,
   * the rows are still this claim's), then sends all at once — nothing awaited between confirm and
   * send, so once a pause has committed (and so before it answers) no send of a batch confirmed
   * earlier can still start.
   */
  private async sendBatch(
    channel: Channel,
    credentials: ChannelCredentials,
    batch: ClaimedRecipient[],
    campaignsById: Map<string, RunningCampaign>,
    handedOver: Set<string>,
  ): Promise<void> {
    const place = await this.limiters.reserveSend(channel.id, channel.messagesPerSecond, batch.length);
    let confirmed: string[];
    try {
      confirmed = await this.recipients.confirmBeforeSend({
        ids: batch.map((recipient) => recipient.id),
        campaignIds: [...new Set(batch.map((recipient) => recipient.campaign_id))],
        leaseSeconds: this.config.env.SEND_LEASE_SECONDS,
        claimId: batch[0].claim_id,
      });
    } catch (error) {
      void this.limiters.releaseSend(channel.id, place);
      throw error;
    }
    const owned = new Set(confirmed);
    const notSent = batch.filter((recipient) => !owned.has(recipient.id));
    const sendable = batch.filter((recipient) => owned.has(recipient.id));
    if (sendable.length > 0) {
      // Not awaited: nothing may stand between confirm and send (with Redis this is a round trip).
      void this.limiters.markSent(channel.id, place);
      // Each recipient settles on its own: one failing answer must not reject the batch (whose catch
      // would give back rows that are in flight or accepted-but-not-yet-written, and so resend them).
      const plans = new Map<string, SendPlan>();
      const sends = sendable.map((recipient) => {
        const key = `${recipient.campaign_id}/${recipient.variant ?? ''}`;
        let plan = plans.get(key);
        if (!plan) plans.set(key, (plan = sendPlan(channel, campaignsById.get(recipient.campaign_id)!, recipient.variant)));
        return this.sendOne(channel, credentials, recipient, plan, handedOver);
      });
      if (notSent.length > 0) await this.release(channel.id, notSent);
      await Promise.all(sends);
    } else {
      void this.limiters.releaseSend(channel.id, place);
      if (notSent.length > 0) await this.release(channel.id, notSent);
    }
  }

  /** Sends one message and records its outcome; never rejects. */
  private async sendOne(channel: Channel, credentials: ChannelCredentials, recipient: ClaimedRecipient, plan: SendPlan, handedOver: Set<string>): Promise<void> {
    handedOver.add(recipient.id);
    // Confirmed: it goes out whatever happens now. Past SENDER_MAX_IN_FLIGHT open calls of the channel
    // it waits here, in order, as it would in the HTTP agent's queue — but before its request is built:
    // requests built ahead and held in the agent's queue for a second or more survived into V8's old
    // space (engine RSS 640 MB for 40,000 sends, docs/performance.md).
    const slots = this.slotsFor(channel.id);
    await slots.acquire();
    let result: SendResult;
    try {
      const { template, templateKey, preferred } = plan;
      const endpoint = channel.marketingMessagesFallback ? this.marketingRefusals.route(preferred, channel.id, templateKey, Date.now()) : preferred;
      const message: TemplateMessage = {
        to: recipient.wa_id,
        template: { name: template.name, language: template.language, namespace: template.namespace, components: recipient.components ?? template.components },
        callbackData: channel.apiGeneration === 'cloud' ? `r:${recipient.id}` : undefined,
        endpoint,
        ttlSeconds: plan.ttlSeconds,
      };
      result = await this.client.send(credentials, message);
      // 131055 and marketingMessagesFallback: nothing went out; the same message goes through /messages.
      if (fallsBackToMessages(endpoint, channel.marketingMessagesFallback, result)) {
        this.marketingRefusals.remember(channel.id, templateKey, Date.now());
        result = await this.client.send(credentials, { ...message, endpoint: 'messages' });
      }
    } catch (error) {
      // The client answers every HTTP or network failure with a value; anything else may have left after all.
      result = { ok: false, latencyMs: 0, httpStatus: null, errorCode: null, errorTitle: `send failed: ${errorMessage(error)}`, outcomeUnknown: true };
    } finally {
      slots.release();
      this.queuedFor(channel.id).delete(recipient.id);
    }
    await this.answers.record(channel, recipient, result);
  }

  /**
   * The channel's credentials, or null when its stored API key no longer decrypts: every send would fail
   * the same way, so the claimed rows go back untouched and the channel's campaigns are paused with the
   * way out in the reason.
   */
  private async readableCredentials(channel: Channel, claimed: ClaimedRecipient[]): Promise<ChannelCredentials | null> {
    try {
      return this.channels.credentialsFor(channel);
    } catch (error) {
      if (!(error instanceof ApiKeyUnreadableError)) throw error;
      await this.release(channel.id, claimed);
      await this.answers.pauseChannel(channel.id, `channel unusable: ${error.message}`);
      this.logger.error(`channel ${channel.id}: campaigns paused: ${error.message}`);
      return null;
    }
  }

  /** Gives back rows of one claim that were never handed to 360dialog. */
  private async release(channelId: string, recipients: ClaimedRecipient[]): Promise<void> {
    if (recipients.length === 0) return;
    const queued = this.queuedFor(channelId);
    for (const recipient of recipients) queued.delete(recipient.id);
    await this.recipients.releaseUnsent({ ids: recipients.map((recipient) => recipient.id), claimId: recipients[0].claim_id });
  }

  private slotsFor(channelId: string): SendSlots {
    let slots = this.slots.get(channelId);
    if (!slots) this.slots.set(channelId, (slots = new SendSlots(this.config.env.SENDER_MAX_IN_FLIGHT)));
    return slots;
  }

  private queuedFor(channelId: string): Set<string> {
    let queued = this.queued.get(channelId);
    if (!queued) this.queued.set(channelId, (queued = new Set()));
    return queued;
  }

  private track(job: Promise<unknown>): void {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }
}

/** What every recipient of one (campaign, variant) in a batch is sent with: worked out once per batch, not per message. */
interface SendPlan {
  template: Template;
  /** The refusal memory's key (send-endpoint.ts MarketingRefusals). */
  templateKey: string;
  /** The endpoint the template's category asks for, before any fallback. */
  preferred: SendEndpoint;
  ttlSeconds: number | null;
}

/** An A/B recipient is sent its own variant's template, routed by that template's category (the TTL stays the campaign's). */
function sendPlan(channel: Channel, campaign: RunningCampaign, variant: string | null): SendPlan {
  const sending = sendingFor(campaign, variant);
  return {
    template: sending.template,
    templateKey: `${sending.template.name}/${sending.template.language}`,
    preferred: sendEndpointFor(channel, sending.templateCategory),
    ttlSeconds: campaign.ttl_seconds,
  };
}
