import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { oneList } from '../audiences/audience.js';
import { AudiencesService } from '../audiences/audiences.service.js';
import { Channel } from '../channels/channel.entity.js';
import { TemplatesService } from '../channels/templates/templates.service.js';
import { errorMessage } from '../common/errors.js';
import { IDLE, PollingWorker, type WorkerNext } from '../common/polling-worker.js';
import { AppConfig } from '../config/app-config.js';
import type { DueCampaign } from './campaign.entity.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { launchFailure } from './launch-failure.js';
import { RecipientsRepository } from './recipients.repository.js';
import { pickWinner } from './variants.js';

/**
 * The scheduler tick: launches due campaigns (one transaction each, the campaign row locked with
 * SKIP LOCKED so any number of instances can tick) and completes campaigns with nothing left to send.
 * A campaign whose launch throws is backed off (a passing condition) or failed with its reason
 * (launch-failure.ts); either way the others launch, and completion runs whatever launching did.
 * First of all, campaigns that would run on a paused channel are paused, naming it. Before its audience
 * is frozen, a campaign's template is checked against the channel's registry again: one that is no
 * longer sendable (no longer APPROVED, say) pauses the campaign with the reason, and nothing is sent.
 *
 * A PollingWorker: one tick every SCHEDULER_INTERVAL_MS where this process runs workers (ROLE worker or all).
 */
@Injectable()
export class CampaignScheduler extends PollingWorker {
  private ticking = false;
  /** This instance's backoff after failed launches (only a delay: another instance may try meanwhile). */
  private readonly launchBackoff = new Map<string, { failures: number; retryAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly recipients: RecipientsRepository,
    private readonly templates: TemplatesService,
    private readonly audiences: AudiencesService,
  ) {
    super({ name: CampaignScheduler.name, intervalMs: config.env.SCHEDULER_INTERVAL_MS });
  }

  protected shouldRun(): boolean {
    return this.config.runsWorker;
  }

  protected async work(): Promise<WorkerNext> {
    await this.tick();
    return IDLE;
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const paused = await this.campaigns.pauseOnPausedChannels();
      for (const campaign of paused) this.logger.warn(`campaign ${campaign.id} paused: ${campaign.pausedReason}`);
    } catch (error) {
      this.logger.error(`pausing campaigns of paused channels failed: ${errorMessage(error)}`);
    }
    try {
      while (await this.launchOne()) {
        // launch every due campaign before completing others
      }
    } catch (error) {
      this.logger.error(`launching due campaigns failed: ${errorMessage(error)}`);
    }
    try {
      while (await this.pickWinner()) {
        // every A/B test whose winner is due
      }
    } catch (error) {
      this.logger.error(`picking A/B winners failed: ${errorMessage(error)}`);
    }
    try {
      const completed = await this.campaigns.completeFinished();
      for (const id of completed) this.logger.log(`campaign ${id} completed`);
    } catch (error) {
      this.logger.error(`completing finished campaigns failed: ${errorMessage(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Launches at most one due campaign; returns whether it found one (launched, backed off or failed).
   * Throws only when no campaign could even be claimed.
   */
  async launchOne(now = Date.now()): Promise<boolean> {
    const backingOff = [...this.launchBackoff].filter(([, backoff]) => backoff.retryAt > now).map(([id]) => id);
    let claimed: string | null = null;
    try {
      const found = await this.dataSource.transaction(async (manager) => {
        const due = await this.campaigns.claimDue(backingOff, manager);
        if (!due) return false;
        claimed = due.id;
        if (!(await this.templateStillSendable(due, manager))) return true;
        const started = Date.now();
        const audience = due.audience ? await this.audiences.resolve(due.audience, manager) : oneList(due.listId!);
        // An A/B test's launch renders nothing: each variant's template is rendered into its recipients next.
        const template = due.variants ? { ...due.template, components: [] } : due.template;
        const recipients = await this.recipients.launch({ campaignId: due.id, channelId: due.channelId, audience, template, marketingByVariant: Boolean(due.variants) }, manager);
        await this.recipients.resolveRecipientZones(due.id, manager);
        if (due.variants) {
          await this.recipients.assignVariants({ campaignId: due.id, channelId: due.channelId, variants: due.variants, winner: due.winner ?? null }, manager);
        }
        await this.campaigns.markLaunched(due.id, manager);
        this.logger.log(`campaign ${due.id} launched: ${recipients} recipients frozen in ${Date.now() - started} ms`);
        return true;
      });
      if (claimed !== null) this.launchBackoff.delete(claimed);
      return found;
    } catch (error) {
      if (claimed === null) throw error;
      await this.launchFailed(claimed, error, now);
      return true;
    }
  }

  /** The launch's template check; false when it paused the campaign. A skipped check passes. */
  private async templateStillSendable(due: DueCampaign, manager: EntityManager): Promise<boolean> {
    if (due.skipTemplateCheck) return true;
    const channel = await manager.getRepository(Channel).findOneBy({ id: due.channelId });
    if (!channel) return true;
    const problems: string[] = [];
    for (const variant of due.variants ?? [{ name: null, template: due.template }]) {
      const verdict = await this.templates.verdict(channel, variant.template, { tolerateUnreachable: true });
      if (!verdict.ok) problems.push(...verdict.problems.map((problem) => (variant.name ? `variant ${variant.name}: ${problem}` : problem)));
    }
    if (problems.length === 0) return true;
    const reason = `template check at launch: ${problems.join('; ')}`;
    await this.campaigns.pauseForTemplateAtLaunch(due.id, reason, manager);
    this.logger.warn(`campaign ${due.id} paused: ${reason}`);
    return false;
  }

  /**
   * Picks the winner of at most one A/B test whose test has run winner.afterHours (`now`: the clock,
   * injectable): the variant with the best rate of the metric among its sent test recipients; the held
   * recipients get it and are due at once. Returns whether it found one.
   */
  async pickWinner(now = new Date()): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const due = await this.campaigns.claimDueWinner(now, manager);
      if (!due) return false;
      const results = await this.recipients.variantResults(due.id, manager);
      const byName = new Map(results.map((result) => [result.name, result]));
      const name = pickWinner(
        due.variants.map((variant) => byName.get(variant.name) ?? { name: variant.name, sent: 0, read: 0, replied: 0, clicked: 0 }),
        due.winner.metric,
      );
      const variant = due.variants.find((candidate) => candidate.name === name) ?? due.variants[0];
      const released = await this.recipients.releaseHeldToWinner({ campaignId: due.id, channelId: due.channelId, variant }, manager);
      await this.campaigns.markWinnerPicked(due.id, variant.name, now, manager);
      this.logger.log(`campaign ${due.id}: variant ${variant.name} won on ${due.winner.metric}; ${released} held recipients get it`);
      return true;
    });
  }

  private async launchFailed(campaignId: string, error: unknown, now: number): Promise<void> {
    const failures = this.launchBackoff.get(campaignId)?.failures ?? 0;
    const decision = launchFailure(error, failures);
    // Backed off first: should marking it failed fail too, the next launches still skip it for a while.
    const delayMs = decision.action === 'retry' ? decision.delayMs : 60_000;
    this.launchBackoff.set(campaignId, { failures: failures + 1, retryAt: now + delayMs });
    if (decision.action === 'retry') {
      this.logger.warn(`campaign ${campaignId}: launch failed (attempt ${failures + 1}), retrying in ${delayMs / 1000} s: ${errorMessage(error)}`);
      return;
    }
    await this.campaigns.markLaunchFailed(campaignId, decision.reason);
    this.launchBackoff.delete(campaignId);
    this.logger.error(`campaign ${campaignId} failed: ${decision.reason}`);
  }
}
