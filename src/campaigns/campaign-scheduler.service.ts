import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { execute } from '../database/sql.js';
import type { CampaignTemplate } from './campaign.entity.js';
import { buildLaunchStatement, CLAIM_DUE_CAMPAIGNS, COMPLETE_FINISHED_CAMPAIGNS, MARK_LAUNCHED } from './campaigns.queries.js';

interface DueCampaign {
  id: string;
  channel_id: string;
  list_id: string;
  template: CampaignTemplate;
}

/**
 * The scheduler tick: launches due campaigns (one transaction each, the campaign row locked with
 * SKIP LOCKED so any number of instances can tick) and completes campaigns with nothing left to send.
 */
@Injectable()
export class CampaignScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CampaignScheduler.name);
  private ticking = false;

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
      while (await this.launchOne()) {
        // launch every due campaign before completing others
      }
      const completed = (await this.dataSource.query(COMPLETE_FINISHED_CAMPAIGNS)) as [Array<{ id: string }>, number];
      for (const row of completed[0]) this.logger.log(`campaign ${row.id} completed`);
    } catch (error) {
      this.logger.error(`scheduler tick failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Launches at most one due campaign; returns whether it found one. */
  async launchOne(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [due] = (await manager.query(CLAIM_DUE_CAMPAIGNS)) as DueCampaign[];
      if (!due) return false;
      const started = Date.now();
      const launch = buildLaunchStatement(due.id, due.channel_id, due.list_id, due.template);
      const recipients = await execute(manager, launch.sql, launch.parameters);
      await manager.query(MARK_LAUNCHED, [due.id]);
      this.logger.log(`campaign ${due.id} launched: ${recipients} recipients frozen in ${Date.now() - started} ms`);
      return true;
    });
  }
}
