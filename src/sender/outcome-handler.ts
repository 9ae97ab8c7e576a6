import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CampaignsRepository } from '../campaigns/campaigns.repository.js';
import type { ClaimedRecipient } from '../campaigns/recipient-sends.queries.js';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import type { Channel } from '../channels/channel.entity.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { errorMessage } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { classifySendFailure, describeFailure, MARKETING_OPT_OUT_CODE } from '../whatsapp/send-errors.js';
import type { SendResult } from '../whatsapp/types.js';
import { ChannelLimiters } from './channel-limiters.js';
import { decideOutcome, type FailureEffect, type OutcomeSettings, type RecipientFate, retryLater, unknownOutcome } from './outcome-policy.js';
import { OutcomeWriter, type SendOutcome } from './outcome-writer.js';

/** Carries out what outcome-policy.ts decides for an answer of 360dialog, and hands the recipient's outcome to the writer. */
@Injectable()
export class OutcomeHandler {
  private readonly logger = new Logger(OutcomeHandler.name);
  private readonly settings: OutcomeSettings;
  /** Template failures (132000…) per campaign and code seen by this process (TEMPLATE_FAILURE_PAUSE_AFTER). */
  private readonly templateFailures = new Map<string, number>();
  private readonly attributionHours: number;

  constructor(
    config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly limiters: ChannelLimiters,
    private readonly metrics: MetricsService,
    private readonly outcomes: OutcomeWriter,
    private readonly campaigns: CampaignsRepository,
    private readonly channels: ChannelsRepository,
    private readonly contacts: ContactsRepository,
    private readonly recipients: RecipientsRepository,
  ) {
    this.attributionHours = config.env.REPLY_ATTRIBUTION_HOURS;
    this.settings = {
      maxAttempts: config.env.SEND_MAX_ATTEMPTS,
      onPremiseUnknownOutcome: config.env.ONPREMISE_UNKNOWN_OUTCOME_POLICY,
      unknownOutcomeGraceSeconds: config.env.UNKNOWN_OUTCOME_GRACE_SECONDS,
      marketingLimitMaxRetries: config.env.MARKETING_LIMIT_MAX_RETRIES,
      templateFailurePauseAfter: config.env.TEMPLATE_FAILURE_PAUSE_AFTER,
    };
  }

  /** Records the answer to one send; never rejects. */
  async record(channel: Channel, recipient: ClaimedRecipient, result: SendResult): Promise<void> {
    try {
      await this.handle(channel, recipient, result);
    } catch (error) {
      this.logger.error(`recording the outcome for recipient ${recipient.id} failed: ${errorMessage(error)}`);
      if (result.ok) this.outcomes.add({ kind: 'accepted', id: recipient.id, messageId: result.messageId, sentAt: new Date() });
      else if (result.outcomeUnknown) this.outcomes.add(outcomeOf(unknownOutcome(channel.apiGeneration, this.settings), recipient, null, result.errorTitle));
      else this.outcomes.add(outcomeOf(retryLater(recipient.attempts, Math.random), recipient, result.errorCode, result.errorTitle));
    }
  }

  /** The channel is unusable: it and its campaigns are paused together (the channel keeps its first reason). */
  async pauseChannel(channelId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      await this.channels.pauseForSendFailure(channelId, reason, db);
      await this.campaigns.pauseChannelCampaignsForSendFailure(channelId, reason, db);
    });
  }

  private async handle(channel: Channel, recipient: ClaimedRecipient, result: SendResult): Promise<void> {
    this.metrics.sendLatency.observe(result.latencyMs / 1000);
    if (result.ok) {
      this.outcomes.add({ kind: 'accepted', id: recipient.id, messageId: result.messageId, sentAt: new Date() });
      this.metrics.messagesSent.inc({ channel: channel.id, outcome: 'accepted' });
      return;
    }
    const failure = classifySendFailure(result);
    this.metrics.messagesSent.inc({ channel: channel.id, outcome: failure });
    const description = describeFailure(result);
    const identicalFailures = failure === 'template' ? this.countTemplateFailure(recipient.campaign_id, result.errorCode) : 0;
    const keyChanged = failure === 'channel' && result.httpStatus === 401 && (await this.keyChangedSince(channel));
    const decision = decideOutcome(
      {
        failure,
        description,
        attempts: recipient.attempts,
        marketingLimitRetries: recipient.marketing_limit_retries,
        generation: channel.apiGeneration,
        now: new Date(),
        validUntil: recipient.valid_until ? new Date(recipient.valid_until) : null,
        identicalFailures,
        keyChanged,
      },
      this.settings,
      Math.random,
    );
    const fate = decision.effect ? await this.carryOut(decision.effect, decision.fate, channel, recipient, description) : decision.fate;
    this.outcomes.add(outcomeOf(fate, recipient, result.errorCode, result.errorTitle));
  }

  /** Whether the channel's stored key is no longer the one `channel` (read at claim time) sent with: a key rotation switched it. */
  private async keyChangedSince(channel: Channel): Promise<boolean> {
    const current = await this.channels.findById(channel.id);
    return current !== null && current.apiKeyEncrypted !== channel.apiKeyEncrypted;
  }

  /** This campaign's template failures with this code so far, this one included (per process: each worker counts its own). */
  private countTemplateFailure(campaignId: string, code: number | null): number {
    const key = `${campaignId}:${code}`;
    const count = (this.templateFailures.get(key) ?? 0) + 1;
    this.templateFailures.set(key, count);
    return count;
  }

  /** Carries out the effect; returns the recipient's fate, which depends on whether it took place. */
  private async carryOut(effect: FailureEffect, fate: RecipientFate, channel: Channel, recipient: ClaimedRecipient, description: string): Promise<RecipientFate> {
    switch (effect.kind) {
      case 'opt_out_marketing':
        try {
          const proof = JSON.stringify({ campaignId: recipient.campaign_id, recipientId: recipient.id, error: description });
          await this.contacts.optOutOfMarketing([{ waId: recipient.wa_id, at: new Date(), source: `whatsapp_error_${MARKETING_OPT_OUT_CODE}`, proof }]);
          // The opt-out counts in the engagement of the campaign message this person got before.
          await this.recipients.attributeMarketingOptOuts([{ channelId: channel.id, waId: recipient.wa_id, at: new Date(), failingRecipientId: recipient.id }], this.attributionHours);
        } catch (error) {
          // The recipient fails anyway; the next 131050 (send or status) opts the contact out.
          this.logger.error(`contact ${recipient.wa_id}: opting out of marketing after 131050 failed: ${errorMessage(error)}`);
        }
        return fate;
      case 'slow_channel': {
        const until = this.limiters.slowDown(channel.id);
        if (!until) return fate;
        try {
          await this.channels.markThrottled(channel.id, until);
        } catch (error) {
          // The slowdown itself runs in the limiter; only GET /v1/channels/:id misses it.
          this.logger.error(`channel ${channel.id}: recording throttling until ${until.toISOString()} failed: ${errorMessage(error)}`);
        }
        return fate;
      }
      case 'pause_campaign':
        try {
          await this.campaigns.pauseForSendFailure(recipient.campaign_id, effect.reason);
        } catch (error) {
          this.logger.error(`campaign ${recipient.campaign_id}: pausing after "${description}" failed: ${errorMessage(error)}`);
          return effect.otherwise;
        }
        this.logger.warn(`campaign ${recipient.campaign_id} paused: ${description}`);
        return fate;
      case 'pause_marketing_campaigns':
        try {
          const paused = await this.campaigns.pauseMarketingCampaignsForSendFailure(channel.id, recipient.campaign_id, effect.reason);
          this.logger.warn(`channel ${channel.id}: ${paused.length} marketing campaign(s) paused: ${description}`);
        } catch (error) {
          this.logger.error(`channel ${channel.id}: pausing marketing campaigns after "${description}" failed: ${errorMessage(error)}`);
          return effect.otherwise;
        }
        return fate;
      case 'pause_channel':
        try {
          await this.pauseChannel(channel.id, effect.reason);
        } catch (error) {
          this.logger.error(`channel ${channel.id}: pausing after "${description}" failed: ${errorMessage(error)}`);
          return effect.otherwise;
        }
        this.logger.warn(`channel ${channel.id}: campaigns paused: ${description}`);
        return fate;
    }
  }
}

function outcomeOf(fate: RecipientFate, recipient: ClaimedRecipient, code: number | null, title: string): SendOutcome {
  const row = { id: recipient.id, claimId: recipient.claim_id };
  switch (fate.kind) {
    case 'requeue':
      return { kind: 'requeue', ...row, delayMs: fate.delayMs, uncount: fate.uncount, reason: fate.reason, code, title };
    case 'failed':
      return { kind: 'failed', ...row, code, title };
    case 'unknown':
      return { kind: 'unknown', ...row, title: title || 'no answer from 360dialog' };
  }
}
