import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { CostService } from './cost.service.js';
import { EstimateController } from './estimate.controller.js';
import { ReportPagesController } from './report-pages.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { EngagementService } from './engagement.service.js';
import { RepliesController } from './replies.controller.js';

/** Delivery report: summary from counters, keyset recipient listing, streamed CSV, the web pages. */
@Module({
  imports: [ChannelsModule],
  controllers: [ReportsController, ReportPagesController, EstimateController, RepliesController],
  providers: [ReportsService, CostService, EngagementService],
  exports: [ReportsService],
})
export class ReportsModule {}
