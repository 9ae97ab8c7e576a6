import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { errorMessage } from '../common/errors.js';

/** Reports Redis only when REDIS_URL is configured; without it the limiters are in-process. */
@Injectable()
export class RedisHealth implements OnApplicationShutdown {
  private readonly client?: Redis;

  constructor(
    config: AppConfig,
    private readonly indicator: HealthIndicatorService,
  ) {
    if (config.env.REDIS_URL) {
      this.client = new Redis(config.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      this.client.on('error', () => undefined);
    }
  }

  async check(key: string): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    if (!this.client) return session.up({ configured: false });
    try {
      if (this.client.status === 'wait') await this.client.connect();
      await this.client.ping();
      return session.up();
    } catch (error) {
      return session.down({ message: errorMessage(error) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.client?.disconnect();
  }
}
