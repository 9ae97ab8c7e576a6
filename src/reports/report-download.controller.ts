import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { sendCsv } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/**
 * The console's CSV download (a signed, short-lived link the browser streams to disk), and the old
 * report page addresses, which now open the same screens of the web console served at `/`.
 */
@ApiTags('pages')
@Controller('campaigns')
export class ReportDownloadController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({ summary: 'Redirects to the web console\'s campaign list (/#/campaigns)' })
  @ApiOkResponse({ description: '302 to the console' })
  list(@Res() reply: FastifyReply): void {
    void reply.redirect('/#/campaigns', 302);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Redirects to the web console\'s page of one campaign (/#/campaigns/:id)' })
  @ApiOkResponse({ description: '302 to the console' })
  report(@Param('id') id: string, @Res() reply: FastifyReply): void {
    void reply.redirect(`/#/campaigns/${encodeURIComponent(id)}`, 302);
  }

  @Get(':id/report.csv')
  @ApiOperation({
    summary: 'The console\'s CSV download: every recipient, streamed, for a link from POST /v1/campaigns/:id/report.csv/link',
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
