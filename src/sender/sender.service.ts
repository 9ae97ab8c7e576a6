import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { ChannelsService } from '../channels/channels.service.js';
import { errorMessage } from '../common/errors.js';
import { IDLE, NOW, PollingWorker, type WorkerNext } from '../common/polling-worker.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { BatchSender } from './batch-sender.js';
import { ChannelLimiters } from './channel-limiters.js';
import { OutcomeWriter } from './outcome-writer.js';
import { SendWindowWaits } from './send-window-waits.js';
import { ConversationsRepository } from './conversations.repository.js';
import { type RunningCampaign, selectRecipientsDue, selectRunningCampaigns } from './sender.queries.js';

const RECOVERY_EVERY_MS = 5_000;
/** How often the frequency ledger and the conversation window are pruned of rows too old to count. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The sender's loop: each poll recovers expired leases now and then, and gives every channel with a
 * running campaign inside its send window its turn (BatchSender). Stateless between polls: anything
 * claimed and not finished is recovered by lease.
 */
@Injectable()
export class SenderService extends PollingWorker {
  private lastRecovery = 0;
  private lastPrune = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly limiters: ChannelLimiters,
    private readonly recipients: RecipientsRepository,
    private readonly batches: BatchSender,
    private readonly windows: SendWindowWaits,
    private readonly outcomes: OutcomeWriter,
    metrics: MetricsService,
    private readonly conversations: ConversationsRepository,
  ) {
    super({ name: SenderService.name, intervalMs: config.env.SENDER_POLL_INTERVAL_MS });
    metrics.gauge(
      'wa_recipients_due',
      'Recipients of running campaigns whose (next) send is due now, per channel (incl. those held back by a closed send window)',
      async (gauge) => {
        try {
          const rows = await selectRecipientsDue(this.dataSource);
          gauge.reset();
          for (const row of rows) gauge.set({ channel: row.channel_id }, row.due);
        } catch (error) {
          this.logger.error(`collecting wa_recipients_due failed: ${errorMessage(error)}`);
        }
      },
      ['channel'],
    );
  }

  protected shouldRun(): boolean {
    return this.config.runsWorker && this.config.env.SENDER_ENABLED;
  }

  protected async work(): Promise<WorkerNext> {
    return (await this.poll()) ? NOW : IDLE;
  }

  /**
   * After the loop has stopped, before the application-shutdown hooks (ChannelLimiters closes its Redis
   * connection in one of them): a poll still in progress must not create a limiter on a closed
   * connection, which then retries forever and keeps the process alive. So: limiters first (batches
   * waiting for a slot are dropped and released), then the batches in flight, then their outcomes.
   */
  protected override async drain(): Promise<void> {
    await this.limiters.stopAll();
    await this.batches.settle();
    await this.outcomes.flush();
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
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      try {
        await this.recipients.pruneFrequencyLedger();
      } catch (error) {
        this.logger.error(`pruning the frequency ledger failed: ${errorMessage(error)}`);
      }
      try {
        // Conversations older than the 24 h window: they never count again, and they hold WhatsApp ids.
        await this.conversations.pruneExpired();
      } catch (error) {
        this.logger.error(`pruning expired conversations failed: ${errorMessage(error)}`);
      }
    }
    let campaigns: RunningCampaign[];
    try {
      campaigns = await selectRunningCampaigns(this.dataSource);
    } catch (error) {
      this.logger.error(`sender poll failed: ${errorMessage(error)}`);
      return false;
    }
    const open = await this.windows.openAt(campaigns, now);
    const byChannel = new Map<string, RunningCampaign[]>();
    for (const campaign of open) byChannel.set(campaign.channel_id, [...(byChannel.get(campaign.channel_id) ?? []), campaign]);
    let busy = false;
    // One channel's failure (its claim, its limit bookkeeping) must not starve the others.
    for (const [channelId, channelCampaigns] of byChannel) {
      try {
        const channel = await this.channels.findActiveById(channelId);
        if (!channel) continue;
        busy = (await this.batches.claimAndSend(channel, channelCampaigns, now)) || busy;
      } catch (error) {
        this.logger.error(`sender: channel ${channelId} skipped this round: ${errorMessage(error)}`);
      }
    }
    return busy;
  }

  private async recoverExpiredLeases(): Promise<void> {
    const rows = await this.recipients.recoverExpiredLeases({
      graceSeconds: this.config.env.UNKNOWN_OUTCOME_GRACE_SECONDS,
      onPremisePolicy: this.config.env.ONPREMISE_UNKNOWN_OUTCOME_POLICY,
    });
    const dispatched = rows.filter((row) => row.dispatched).length;
    if (rows.length > dispatched) this.logger.warn(`re-queued ${rows.length - dispatched} claimed recipients whose lease expired before they were sent`);
    if (dispatched > 0) this.logger.warn(`recovered ${dispatched} recipients whose send lease expired after dispatch (outcome unknown)`);
  }
}
