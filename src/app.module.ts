import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { PINO_HTTP_PREFIXES, accessLogOptions } from './common/access-log.js';
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
          // pino-http (a request-bound logger for everything logged while an API request runs) only on the
          // API's routes: mounted on every path, its middleware costs every webhook a seventh of the
          // receiver's CPU even when excluded (docs/performance.md). Every other request — the webhook
          // receiver, docs, the console's files, unknown paths — gets the same access-log line from a
          // Fastify hook (common/access-log.ts, installDirectAccessLog).
          forRoutes: PINO_HTTP_PREFIXES.map((prefix) => ({ path: `${prefix.slice(1)}*path`, method: RequestMethod.ALL })),
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
