import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PricingModule } from './pricing/pricing.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SenderModule } from './sender/sender.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

const QUIET_PATHS = ['/webhooks/', '/health', '/metrics'];

@Module({})
export class AppModule {
  static register(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.env.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers["d360-api-key"]', 'req.headers.cookie'],
            autoLogging: { ignore: (request) => QUIET_PATHS.some((path) => request.url?.startsWith(path)) },
          },
        }),
        DatabaseModule.forRoot(databaseUrl),
        ScheduleModule.forRoot(),
        MetricsModule,
        PricingModule,
        HealthModule,
        ChannelsModule,
        ContactsModule,
        CampaignsModule,
        SenderModule,
        WebhooksModule,
        ReportsModule,
      ],
    };
  }
}
