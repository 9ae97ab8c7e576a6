import { Module } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { CostService } from './cost.service.js';
import { EstimateController } from './estimate.controller.js';
import { ReportDownloadController } from './report-download.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { EngagementService } from './engagement.service.js';
import { RepliesController } from './replies.controller.js';

/** Delivery report: summary from counters, keyset recipient listing, streamed CSV and its signed download link, cost, engagement. */
@Module({
  imports: [ChannelsModule, AudiencesModule],
  controllers: [ReportsController, ReportDownloadController, EstimateController, RepliesController],
  providers: [ReportsService, CostService, EngagementService],
  exports: [ReportsService],
})
export class ReportsModule {}
