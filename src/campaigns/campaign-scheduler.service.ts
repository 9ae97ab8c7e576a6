import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { execute } from '../database/sql.js';
import type { Template } from '../whatsapp/types.js';
import {
  buildLaunchStatement,
  CLAIM_DUE_CAMPAIGNS,
  COMPLETE_FINISHED_CAMPAIGNS,
  MARK_LAUNCH_FAILED,
  MARK_LAUNCHED,
  PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS,
} from './campaigns.queries.js';
import { launchFailure } from './launch-failure.js';
import { errorMessage } from '../common/errors.js';

interface DueCampaign {
  id: string;
  channel_id: string;
  list_id: string;
  template: Template;
}

/**
 * The scheduler tick: launches due campaigns (one transaction each, the campaign row locked with
 * SKIP LOCKED so any number of instances can tick) and completes campaigns with nothing left to send.
 * A campaign whose launch throws is backed off (a passing condition) or failed with its reason
 * (launch-failure.ts); either way the others launch, and completion runs whatever launching did.
 * First of all, campaigns that would run on a paused channel are paused, naming it.
 */
@Injectable()
export class CampaignScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CampaignScheduler.name);
  private ticking = false;
  /** This instance's backoff after failed launches (only a delay: another instance may try meanwhile). */
  private readonly launchBackoff = new Map<string, { failures: number; retryAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    const interval = setInterval(() => void this.tick(), this.config.env.SCHEDULER_INTERVAL_MS);
    this.registry.addInterval('campaign-scheduler', interval);
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const [paused] = (await this.dataSource.query(PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS)) as [Array<{ id: string; paused_reason: string }>, number];
      for (const row of paused) this.logger.warn(`campaign ${row.id} paused: ${row.paused_reason}`);
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
      const completed = (await this.dataSource.query(COMPLETE_FINISHED_CAMPAIGNS)) as [Array<{ id: string }>, number];
      for (const row of completed[0]) this.logger.log(`campaign ${row.id} completed`);
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
        const [due] = (await manager.query(CLAIM_DUE_CAMPAIGNS, [backingOff])) as DueCampaign[];
        if (!due) return false;
        claimed = due.id;
        const started = Date.now();
        const launch = buildLaunchStatement(due.id, due.channel_id, due.list_id, due.template);
        const recipients = await execute(manager, launch.sql, launch.parameters);
        await manager.query(MARK_LAUNCHED, [due.id]);
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
    await this.dataSource.query(MARK_LAUNCH_FAILED, [campaignId, decision.reason]);
    this.launchBackoff.delete(campaignId);
    this.logger.error(`campaign ${campaignId} failed: ${decision.reason}`);
  }
}
