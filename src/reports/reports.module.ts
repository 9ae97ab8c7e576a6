import { Module } from '@nestjs/common';
import { ReportDownloadController } from './report-download.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Delivery report: summary from counters, keyset recipient listing, streamed CSV and its signed download link. */
@Module({
  controllers: [ReportsController, ReportDownloadController],
  providers: [ReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
