import { Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import {
  CampaignReportDto,
  DownloadLinkDto,
  RecipientFilterQueryDto,
  RecipientPageDto,
  RecipientsQueryDto,
  TimeseriesDto,
  TimeseriesQueryDto,
} from './dto/report.dto.js';
import { CSV_COLUMNS } from './reports.queries.js';
import { ReportsService } from './reports.service.js';
import { campaignIdParam } from '../common/id-param.pipe.js';

@ApiTags('reports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@ApiNotFoundResponse({ description: 'Unknown campaign' })
@UseGuards(ApiTokenGuard)
@Controller('v1/campaigns')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':id/report')
  @ApiOperation({
    summary: 'Delivery report',
    description:
      'Counts by current status (adding up to total), cumulative reach, errors by code, timeline, the send rate over the ' +
      'last 10 s, an ETA while running, and the pending recipients that wait (send window, messaging limit, retry). ' +
      'Served from counters kept in the same transactions that move recipients: constant time at any campaign size.',
  })
  @ApiOkResponse({ type: CampaignReportDto })
  @ApiBadRequestResponse({ description: 'id is not a campaign id (a UUID)' })
  report(@Param('id', campaignIdParam) id: string): Promise<CampaignReportDto> {
    return this.reports.report(id);
  }

  @Get(':id/report/timeseries')
  @ApiOperation({ summary: 'Sends and deliveries over time, per second, minute, hour or day (chosen by the span unless asked)' })
  @ApiOkResponse({ type: TimeseriesDto })
  @ApiBadRequestResponse({ description: 'id is not a campaign id (a UUID), unknown bucket or malformed from' })
  timeseries(@Param('id', campaignIdParam) id: string, @Query() query: TimeseriesQueryDto): Promise<TimeseriesDto> {
    return this.reports.timeseries(id, query);
  }

  @Get(':id/recipients')
  @ApiOperation({
    summary: 'Recipients of a campaign, keyset-paginated by id',
    description: 'Every recipient appears on exactly one page, even while statuses change. Filter by status and/or error code.',
  })
  @ApiOkResponse({ type: RecipientPageDto })
  @ApiBadRequestResponse({ description: 'id is not a campaign id (a UUID), unknown status (the allowed ones are listed), bad cursor or limit' })
  recipients(@Param('id', campaignIdParam) id: string, @Query() query: RecipientsQueryDto): Promise<RecipientPageDto> {
    return this.reports.recipients(id, query);
  }

  @Get(':id/report.csv')
  @ApiOperation({
    summary: 'Every recipient as CSV (streamed)',
    description:
      `Header: ${CSV_COLUMNS.join(',')}. Cells starting with = + - @ tab or CR are prefixed with a single quote so ` +
      'spreadsheets show them as text, except plain numbers and E.164 phone numbers (+4915112345678), which are ' +
      'written as they are. Optional status / errorCode filters.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV attachment', schema: { type: 'string' } })
  @ApiBadRequestResponse({ description: 'id is not a campaign id (a UUID), or an unknown status / errorCode filter' })
  async csv(@Param('id', campaignIdParam) id: string, @Query() query: RecipientFilterQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await sendCsv(reply, id, await this.reports.csv(id, query));
  }

  @Post(':id/report.csv/link')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A short-lived link to download every recipient as CSV without the API token',
    description:
      'For browsers: the web console navigates to `url` so the file streams to disk. The link names this campaign\'s ' +
      'full export and expires after 60 seconds (`expiresAt`).',
  })
  @ApiOkResponse({ type: DownloadLinkDto })
  @ApiBadRequestResponse({ description: 'id is not a campaign id (a UUID)' })
  downloadLink(@Param('id', campaignIdParam) id: string): Promise<DownloadLinkDto> {
    return this.reports.downloadLink(id);
  }
}

/** The CSV response, shared by the API route and the console's download link. */
export async function sendCsv(reply: FastifyReply, campaignId: string, stream: Readable): Promise<void> {
  await reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="campaign-${campaignId.toLowerCase()}-report.csv"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(stream);
}
