import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ParkedInboxPageDto, ParkedInboxQueryDto, RequeueInboxDto, RequeueInboxResponse } from './dto/inbox.dto.js';
import { InboxService } from './inbox.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/webhooks/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get('parked')
  @ApiOperation({
    summary: 'Webhook bodies the processor gave up on (parked), oldest first',
    description:
      'An item is parked when its message id stayed unknown for WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS, or when it failed ' +
      'repeatedly because of its own content. Transient database errors never park an item. lastError says why.',
  })
  @ApiOkResponse({ type: ParkedInboxPageDto })
  parked(@Query() query: ParkedInboxQueryDto): Promise<ParkedInboxPageDto> {
    return this.inbox.parked(query);
  }

  @Post('requeue')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-drive parked webhook bodies',
    description:
      'Sets parked items back to pending, due now, with their attempts reset, so the processor applies them again ' +
      '(e.g. after the missing recipients were stored or a fix was deployed). Filters: ids, channelId, reason; ' +
      'without filters every parked item (up to limit per call). An item that still cannot be applied is parked again ' +
      '(an unknown message id after one more attempt, since its retry window counts from receipt).',
  })
  @ApiOkResponse({ type: RequeueInboxResponse })
  @ApiBadRequestResponse({ description: 'Malformed ids, channelId, reason or limit' })
  requeue(@Body() dto: RequeueInboxDto): Promise<RequeueInboxResponse> {
    return this.inbox.requeue(dto);
  }
}
