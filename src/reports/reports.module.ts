import { Module } from '@nestjs/common';
import { ReportPagesController } from './report-pages.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { EngagementService } from './engagement.service.js';
import { RepliesController } from './replies.controller.js';

/** Delivery report: summary from counters, keyset recipient listing, streamed CSV, the web pages. */
@Module({
  controllers: [ReportsController, ReportPagesController, RepliesController],
  providers: [ReportsService, EngagementService],
  exports: [ReportsService],
})
export class ReportsModule {}
