import { Injectable } from '@nestjs/common';
import { errorMessage } from '../../common/errors.js';
import { IDLE, PollingWorker, type WorkerNext } from '../../common/polling-worker.js';
import { AppConfig } from '../../config/app-config.js';
import { ChannelsService } from '../channels.service.js';
import { TemplatesService } from './templates.service.js';

/**
 * Re-lists every active channel's templates from 360dialog every TEMPLATE_SYNC_INTERVAL_MINUTES (0: off),
 * where this process runs workers. The first run waits one interval: at boot, the pre-flight syncs on
 * demand what it needs. A channel that cannot be synced is logged and tried again next time.
 */
@Injectable()
export class TemplateSyncWorker extends PollingWorker {
  private started = false;

  constructor(
    private readonly config: AppConfig,
    private readonly channels: ChannelsService,
    private readonly templates: TemplatesService,
  ) {
    super({ name: TemplateSyncWorker.name, intervalMs: Math.max(1, config.env.TEMPLATE_SYNC_INTERVAL_MINUTES) * 60_000 });
  }

  protected shouldRun(): boolean {
    return this.config.runsWorker && this.config.env.TEMPLATE_SYNC_INTERVAL_MINUTES > 0;
  }

  protected async work(): Promise<WorkerNext> {
    if (!this.started) {
      this.started = true;
      return IDLE;
    }
    await this.syncAll();
    return IDLE;
  }

  /** One pass over the active channels; returns how many synced. */
  async syncAll(): Promise<number> {
    let synced = 0;
    for (const channel of await this.channels.findActive()) {
      try {
        await this.templates.syncChannel(channel);
        synced += 1;
      } catch (error) {
        this.logger.warn(`channel ${channel.id}: template sync failed: ${errorMessage(error)}`);
      }
    }
    return synced;
  }
}
