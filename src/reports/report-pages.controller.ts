import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { pageHeaders, renderCampaignListPage, renderNotFoundPage, renderReportPage } from './report-pages.js';
import { sendCsv } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { isUuid } from '../common/ids.js';

/**
 * The report as web pages. The HTML itself needs no token (it holds no data): the page asks for
 * the API token and reads /v1 with it.
 */
@ApiTags('pages')
@Controller('campaigns')
export class ReportPagesController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Web page: campaigns, each linking to its report (asks for the API token in the browser)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page', schema: { type: 'string' } })
  list(@Res({ passthrough: true }) reply: FastifyReply): string {
    const nonce = randomBytes(16).toString('base64');
    reply.headers(pageHeaders(nonce));
    return renderCampaignListPage({ nonce });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Web page: the delivery report of one campaign, refreshing every 2 s while it runs' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'Not a campaign id' })
  report(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const nonce = randomBytes(16).toString('base64');
    reply.headers(pageHeaders(nonce));
    if (!isUuid(id)) {
      reply.status(404);
      return renderNotFoundPage({ nonce, what: `"${id}" is not a campaign id.` });
    }
    return renderReportPage({ campaignId: id.toLowerCase(), nonce });
  }

  @Get(':id/report.csv')
  @ApiOperation({
    summary: 'The report page\'s CSV download: every recipient, streamed, for a link from POST /v1/campaigns/:id/report.csv/link',
  })
  @ApiQuery({ name: 'grant', required: true, description: 'From the link; valid for 60 seconds' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV attachment', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'Missing, altered or expired grant' })
  @ApiNotFoundResponse({ description: 'Unknown campaign' })
  async csv(@Param('id') id: string, @Query('grant') grant: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await sendCsv(reply, id, await this.reports.csvForGrant(id, typeof grant === 'string' ? grant : undefined));
  }
}
