import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { accessLogOptions } from './common/access-log.js';
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

@Module({})
export class AppModule {
  /** `logStream`: where the JSON log goes (stdout when omitted; tests read the access log from it). */
  static register(config: AppConfig, databaseUrl: string, logStream?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
          // The webhook receiver logs its own line from a Fastify hook (webhooks/webhook-raw-body.ts): same fields, a tenth of its CPU less.
          exclude: [{ path: 'webhooks/360dialog/:channelId', method: RequestMethod.POST }],
          pinoHttp: logStream ? [accessLogOptions(config.env.LOG_LEVEL), logStream] : accessLogOptions(config.env.LOG_LEVEL),
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
