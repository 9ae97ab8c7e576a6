import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Template, TemplateComponent } from '../whatsapp/types.js';
import { isInsideWindow, type SendWindow } from '../campaigns/send-window.js';
import type { Channel } from '../channels/channel.entity.js';
import { ApiKeyUnreadableError, ChannelsService } from '../channels/channels.service.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';
import type { ChannelCredentials, SendResult } from '../whatsapp/types.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ChannelLimiters } from './channel-limiters.js';
import { claimSize } from './rate-plan.js';
import { OutcomeWriter, type SendOutcome } from './outcome-writer.js';
import {
  classifySendFailure,
  describeFailure,
  PAIR_RATE_DELAY_MS,
  retryDelayMs,
  THROTTLE_REQUEUE_MS,
  TRANSIENT_BACKOFF,
} from '../whatsapp/send-errors.js';
import {
  CLAIM_RECIPIENTS,
  CONFIRM_BEFORE_SEND,
  CONVERSATIONS_IN_WINDOW,
  LOCK_CHANNEL_LIMIT,
  PAUSE_CAMPAIGN,
  PAUSE_CHANNEL,
  RECIPIENTS_DUE,
  RECOVER_EXPIRED_LEASES,
  RELEASE_UNSENT,
  RESERVE_CONVERSATIONS,
  RUNNING_CAMPAIGNS,
  WAIT_FOR_MESSAGING_LIMIT,
} from './sender.queries.js';
import { errorMessage } from '../common/errors.js';

interface RunningCampaign {
  id: string;
  channel_id: string;
  template: Template;
  send_window: SendWindow | null;
}

interface ClaimedRecipient {
  id: string;
  campaign_id: string;
  wa_id: string;
  components: TemplateComponent[] | null;
  status: 'sending' | 'skipped';
  attempts: number;
  /** The claim that owns the row (one per claim statement); every later write of it names this. */
  claim_id: string;
}

/** Seconds of sending a worker keeps claimed ahead per channel: enough to keep the pipe full, small enough that pause bites fast. */
const CLAIM_AHEAD_SECONDS = 1;
const RECOVERY_EVERY_MS = 5_000;

/**
 * Claims due recipients, pushes them through the channel's limiter in weighted batches and records
 * the outcomes. Stateless between polls: anything claimed and not finished is recovered by lease.
 */
@Injectable()
export class SenderService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SenderService.name);
  private readonly outcomes: OutcomeWriter;
  /** Recipients claimed by this worker and not yet answered, per channel. */
  private readonly queued = new Map<string, Set<string>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private pollTimer?: NodeJS.Timeout;
  private polling: Promise<boolean> | null = null;
  private lastRecovery = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly client: WhatsAppClient,
    private readonly limiters: ChannelLimiters,
    private readonly metrics: MetricsService,
  ) {
    this.outcomes = new OutcomeWriter(dataSource);
    metrics.gauge(
      'wa_recipients_due',
      'Recipients of running campaigns whose (next) send is due now, per channel (incl. those held back by a closed send window)',
      async (gauge) => {
        try {
          const rows = (await this.dataSource.query(RECIPIENTS_DUE)) as Array<{ channel_id: string; due: number }>;
          gauge.reset();
          for (const row of rows) gauge.set({ channel: row.channel_id }, row.due);
        } catch (error) {
          this.logger.error(`collecting wa_recipients_due failed: ${errorMessage(error)}`);
        }
      },
      ['channel'],
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker || !this.config.env.SENDER_ENABLED) return;
    this.running = true;
    this.schedulePoll(0);
  }

  /**
   * Before the application-shutdown hooks (ChannelLimiters closes its Redis connection in one of them):
   * a poll still in progress must not create a limiter on a closed connection, which then retries
   * forever and keeps the process alive.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.pollTimer);
    await this.polling;
    await this.limiters.stopAll();
    await Promise.allSettled([...this.inFlight]);
    await this.outcomes.flush();
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      const polling = (this.polling = this.poll().catch((error: unknown) => {
        this.logger.error(`sender poll failed: ${errorMessage(error)}`);
        return false;
      }));
      void polling.then((busy) => {
        this.polling = null;
        this.schedulePoll(busy ? 0 : this.config.env.SENDER_POLL_INTERVAL_MS);
      });
    }, delayMs);
  }

  /** One pass over running campaigns; returns whether more work is waiting right now. */
  async poll(now = new Date()): Promise<boolean> {
    if (now.getTime() - this.lastRecovery >= RECOVERY_EVERY_MS) {
      this.lastRecovery = now.getTime();
      try {
        await this.recoverExpiredLeases();
      } catch (error) {
        this.logger.error(`recovering expired send leases failed: ${errorMessage(error)}`);
      }
    }
    let campaigns: RunningCampaign[];
    try {
      campaigns = (await this.dataSource.query(RUNNING_CAMPAIGNS)) as RunningCampaign[];
    } catch (error) {
      this.logger.error(`sender poll failed: ${errorMessage(error)}`);
      return false;
    }
    const open = campaigns.filter((campaign) => !campaign.send_window || isInsideWindow(now, campaign.send_window));
    const byChannel = new Map<string, RunningCampaign[]>();
    for (const campaign of open) byChannel.set(campaign.channel_id, [...(byChannel.get(campaign.channel_id) ?? []), campaign]);
    let busy = false;
    // One channel's failure (its claim, its limit bookkeeping) must not starve the others.
    for (const [channelId, channelCampaigns] of byChannel) {
      try {
        const channel = await this.channels.findActiveById(channelId);
        if (!channel) continue;
        busy = (await this.claimAndSend(channel, channelCampaigns)) || busy;
      } catch (error) {
        this.logger.error(`sender: channel ${channelId} skipped this round: ${errorMessage(error)}`);
      }
    }
    return busy;
  }

  private async claimAndSend(channel: Channel, campaigns: RunningCampaign[]): Promise<boolean> {
    // Applies a changed messagesPerSecond, or the end of a throttling slowdown, before anything else.
    const batchSize = this.limiters.batchSize(channel.id, channel.messagesPerSecond);
    const queued = this.queuedFor(channel.id);
    // Claim about a second of sending: enough to keep the pipe full, far inside the lease.
    const target = Math.max(1, Math.ceil(channel.messagesPerSecond * CLAIM_AHEAD_SECONDS));
    // Never capped below one full batch: a claim smaller than a slot's share would send that much per slot.
    const free = Math.min(target - queued.size, Math.max(this.config.env.SENDER_BATCH_SIZE * 5, batchSize));
    if (free < Math.max(1, Math.min(target / 2, this.config.env.SENDER_BATCH_SIZE))) return false;
    const room = claimSize(free, batchSize);

    const claimed = await this.claim(channel, campaigns, room);
    if (claimed === 'limit_reached') return false;
    const toSend = claimed.filter((recipient) => recipient.status === 'sending');
    if (toSend.length === 0) return claimed.length > 0;
    const credentials = await this.readableCredentials(channel, toSend);
    if (!credentials) return false;

    const templates = new Map(campaigns.map((campaign) => [campaign.id, campaign.template]));
    this.metrics.channelRate.set({ channel: channel.id }, this.limiters.currentRate(channel.id));
    for (const recipient of toSend) queued.add(recipient.id);
    for (let start = 0; start < toSend.length; start += batchSize) {
      const batch = toSend.slice(start, start + batchSize);
      /** Rows passed to client.send: whatever happens afterwards, they are never given back as unsent. */
      const handedOver = new Set<string>();
      const job = this.limiters
        .schedule(channel.id, channel.messagesPerSecond, () => this.sendBatch(channel, credentials, batch, templates, handedOver))
        .catch(async (error: Error) => {
          const unsent = batch.filter((recipient) => !handedOver.has(recipient.id));
          this.logger.error(`batch for channel ${channel.id}: ${unsent.length} of ${batch.length} not sent: ${error.message}`);
          try {
            await this.release(channel.id, unsent);
          } catch (releaseError) {
            // Their lease runs out and recovery re-queues them (never dispatched: at once).
            this.logger.error(`releasing ${unsent.length} unsent recipients failed: ${errorMessage(releaseError)}`);
          }
        });
      this.track(job);
    }
    return claimed.length === room;
  }

  /**
   * Claims up to `room` due recipients. A channel with a messaging limit claims under a per-channel
   * advisory lock and never more new conversations than the moving 24 h window has left.
   */
  private async claim(channel: Channel, campaigns: RunningCampaign[], room: number): Promise<ClaimedRecipient[] | 'limit_reached'> {
    const campaignIds = campaigns.map((campaign) => campaign.id);
    const lease = this.config.env.SEND_LEASE_SECONDS;
    const claimId = randomUUID();
    if (channel.messagingLimit === null) {
      const [rows] = (await this.dataSource.query(CLAIM_RECIPIENTS, [campaignIds, room, lease, claimId])) as [ClaimedRecipient[], number];
      return rows;
    }
    const limit = channel.messagingLimit;
    return this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK_CHANNEL_LIMIT, [channel.id]);
      const [window] = (await manager.query(CONVERSATIONS_IN_WINDOW, [channel.id])) as Array<{ open: number; oldest: Date | null }>;
      const remaining = limit - window.open;
      if (remaining <= 0) {
        const continueAt = new Date((window.oldest ?? new Date()).getTime() + 24 * 3600_000);
        await manager.query(WAIT_FOR_MESSAGING_LIMIT, [campaignIds, continueAt]);
        return 'limit_reached' as const;
      }
      const [rows] = (await manager.query(CLAIM_RECIPIENTS, [campaignIds, Math.min(room, remaining), lease, claimId])) as [ClaimedRecipient[], number];
      const sending = rows.filter((row) => row.status === 'sending').map((row) => row.wa_id);
      if (sending.length > 0) await manager.query(RESERVE_CONVERSATIONS, [channel.id, sending]);
      return rows;
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
    templates: Map<string, Template>,
    handedOver: Set<string>,
  ): Promise<void> {
    const place = await this.limiters.reserveSend(channel.id, channel.messagesPerSecond, batch.length);
    let confirmed: Array<{ id: string }>;
    try {
      [confirmed] = (await this.dataSource.query(CONFIRM_BEFORE_SEND, [
        batch.map((recipient) => recipient.id),
        this.config.env.SEND_LEASE_SECONDS,
        batch[0].claim_id,
      ])) as [Array<{ id: string }>, number];
    } catch (error) {
      this.limiters.releaseSend(channel.id, place);
      throw error;
    }
    const owned = new Set(confirmed.map((row) => row.id));
    const notSent = batch.filter((recipient) => !owned.has(recipient.id));
    const sendable = batch.filter((recipient) => owned.has(recipient.id));
    if (sendable.length > 0) {
      this.limiters.markSent(channel.id, place);
      // Each recipient settles on its own: one failing answer must not reject the batch (whose catch
      // would give back rows that are in flight or accepted-but-not-yet-written, and so resend them).
      const sends = sendable.map((recipient) => this.sendOne(channel, credentials, recipient, templates.get(recipient.campaign_id)!, handedOver));
      if (notSent.length > 0) await this.release(channel.id, notSent);
      await Promise.all(sends);
    } else {
      this.limiters.releaseSend(channel.id, place);
      if (notSent.length > 0) await this.release(channel.id, notSent);
    }
  }

  /** Sends one message and records its outcome; never rejects. */
  private async sendOne(
    channel: Channel,
    credentials: ChannelCredentials,
    recipient: ClaimedRecipient,
    template: Template,
    handedOver: Set<string>,
  ): Promise<void> {
    handedOver.add(recipient.id);
    let result: SendResult;
    try {
      result = await this.client.send(credentials, {
        to: recipient.wa_id,
        template: { name: template.name, language: template.language, namespace: template.namespace, components: recipient.components ?? template.components },
        callbackData: channel.apiGeneration === 'cloud' ? `r:${recipient.id}` : undefined,
      });
    } catch (error) {
      // The client answers every HTTP or network failure with a value; anything else may have left after all.
      result = { ok: false, latencyMs: 0, httpStatus: null, errorCode: null, errorTitle: `send failed: ${errorMessage(error)}`, outcomeUnknown: true };
    } finally {
      this.queuedFor(channel.id).delete(recipient.id);
    }
    try {
      await this.handleResult(channel, recipient, result);
    } catch (error) {
      this.logger.error(`recording the outcome for recipient ${recipient.id} failed: ${errorMessage(error)}`);
      if (result.ok) this.outcomes.add({ kind: 'accepted', id: recipient.id, claim: recipient.claim_id, messageId: result.messageId, sentAt: new Date() });
      else if (result.outcomeUnknown) this.outcomes.add(this.unknownOutcome(channel, recipient, result.errorTitle));
      else this.outcomes.add(this.retryLater(recipient, result));
    }
  }

  private async handleResult(channel: Channel, recipient: ClaimedRecipient, result: SendResult): Promise<void> {
    if (result.ok) {
      this.outcomes.add({ kind: 'accepted', id: recipient.id, claim: recipient.claim_id, messageId: result.messageId, sentAt: new Date() });
      this.metrics.sendLatency.observe(result.latencyMs / 1000);
      this.metrics.messagesSent.inc({ channel: channel.id, outcome: 'accepted' });
      return;
    }
    this.metrics.sendLatency.observe(result.latencyMs / 1000);
    const failureClass = classifySendFailure(result);
    this.metrics.messagesSent.inc({ channel: channel.id, outcome: failureClass });
    const base = { id: recipient.id, claim: recipient.claim_id, code: result.errorCode, title: result.errorTitle };
    const outcome = await this.outcomeFor(channel, recipient, failureClass, describeFailure(result), base, result);
    this.outcomes.add(outcome);
  }

  /** Refused (nothing went out), and what the refusal calls for could not be done: try again after a backoff. */
  private retryLater(recipient: ClaimedRecipient, result: { errorCode: number | null; errorTitle: string }): SendOutcome {
    return {
      kind: 'requeue',
      id: recipient.id,
      claim: recipient.claim_id,
      delayMs: retryDelayMs(recipient.attempts, TRANSIENT_BACKOFF, Math.random),
      uncount: false,
      reason: 'retry',
      code: result.errorCode,
      title: result.errorTitle,
    };
  }

  /** The call may have gone out: Cloud waits for a status webhook before resending; On-Premise follows its policy. */
  private unknownOutcome(channel: Channel, recipient: ClaimedRecipient, title: string, code: number | null = null): SendOutcome {
    if (channel.apiGeneration === 'cloud' || this.config.env.ONPREMISE_UNKNOWN_OUTCOME_POLICY === 'resend') {
      // Cloud: a status webhook carrying r:<id> may still reveal that it went out; wait before resending.
      const waitMs = channel.apiGeneration === 'cloud' ? this.config.env.UNKNOWN_OUTCOME_GRACE_SECONDS * 1000 : 0;
      return { kind: 'requeue', id: recipient.id, claim: recipient.claim_id, delayMs: waitMs, uncount: false, reason: 'unknown_outcome', code, title };
    }
    return { kind: 'unknown', id: recipient.id, claim: recipient.claim_id, title: title || 'no answer from 360dialog' };
  }

  private async outcomeFor(
    channel: Channel,
    recipient: ClaimedRecipient,
    failureClass: ReturnType<typeof classifySendFailure>,
    description: string,
    base: { id: string; claim: string; code: number | null; title: string },
    result: { errorCode: number | null; errorTitle: string },
  ): Promise<SendOutcome> {
    const requeue = (delayMs: number, uncount: boolean, reason: string): SendOutcome => ({ kind: 'requeue', ...base, delayMs, uncount, reason });
    switch (failureClass) {
      case 'throttled':
        this.limiters.slowDown(channel.id);
        return requeue(THROTTLE_REQUEUE_MS, true, 'throttled');
      case 'pair_rate':
        return recipient.attempts >= this.config.env.SEND_MAX_ATTEMPTS
          ? { kind: 'failed', ...base }
          : requeue(PAIR_RATE_DELAY_MS + Math.random() * 2000, false, 'pair_rate_limit');
      case 'transient':
        return recipient.attempts >= this.config.env.SEND_MAX_ATTEMPTS
          ? { kind: 'failed', ...base }
          : requeue(retryDelayMs(recipient.attempts, TRANSIENT_BACKOFF, Math.random), false, 'retry');
      case 'unknown_outcome':
        return this.unknownOutcome(channel, recipient, base.title, base.code);
      case 'permanent':
        return { kind: 'failed', ...base };
      case 'campaign':
        try {
          await this.dataSource.query(PAUSE_CAMPAIGN, [recipient.campaign_id, `360dialog refused the template: ${description}`]);
        } catch (error) {
          // Not paused: retry later rather than at once (the retry tries to pause again if it is refused again).
          this.logger.error(`campaign ${recipient.campaign_id}: pausing after "${description}" failed: ${errorMessage(error)}`);
          return this.retryLater(recipient, result);
        }
        this.logger.warn(`campaign ${recipient.campaign_id} paused: ${description}`);
        return requeue(0, true, 'campaign_paused');
      case 'channel':
        try {
          await this.dataSource.query(PAUSE_CHANNEL, [channel.id, `channel unusable: ${description}`]);
        } catch (error) {
          this.logger.error(`channel ${channel.id}: pausing after "${description}" failed: ${errorMessage(error)}`);
          return this.retryLater(recipient, result);
        }
        this.logger.warn(`channel ${channel.id}: campaigns paused: ${description}`);
        return requeue(0, true, 'channel_paused');
    }
  }

  private async recoverExpiredLeases(): Promise<void> {
    const [rows] = (await this.dataSource.query(RECOVER_EXPIRED_LEASES, [
      this.config.env.UNKNOWN_OUTCOME_GRACE_SECONDS,
      this.config.env.ONPREMISE_UNKNOWN_OUTCOME_POLICY,
    ])) as [Array<{ id: string; status: string; dispatched: boolean }>, number];
    const dispatched = rows.filter((row) => row.dispatched).length;
    if (rows.length > dispatched) this.logger.warn(`re-queued ${rows.length - dispatched} claimed recipients whose lease expired before they were sent`);
    if (dispatched > 0) this.logger.warn(`recovered ${dispatched} recipients whose send lease expired after dispatch (outcome unknown)`);
  }

  /** Gives back rows of one claim that were never handed to 360dialog. */
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
      await this.dataSource.query(PAUSE_CHANNEL, [channel.id, `channel unusable: ${error.message}`]);
      this.logger.error(`channel ${channel.id}: campaigns paused: ${error.message}`);
      return null;
    }
  }

  private async release(channelId: string, recipients: ClaimedRecipient[]): Promise<void> {
    if (recipients.length === 0) return;
    const queued = this.queuedFor(channelId);
    for (const recipient of recipients) queued.delete(recipient.id);
    await this.dataSource.query(RELEASE_UNSENT, [recipients.map((recipient) => recipient.id), recipients[0].claim_id]);
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
