import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ReplyPageDto, RepliesQueryDto } from './dto/engagement.dto.js';
import { EngagementService } from './engagement.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@ApiNotFoundResponse({ description: 'Unknown campaign' })
@UseGuards(ApiTokenGuard)
@Controller('v1/campaigns')
export class RepliesController {
  constructor(private readonly engagement: EngagementService) {}

  @Get(':id/replies')
  @ApiOperation({
    summary: 'Replies to a campaign, keyset-paginated by id',
    description:
      'Inbound messages attributed to this campaign’s messages: by their context.id (attribution `context`), else to the latest ' +
      'campaign message to that person on that channel within REPLY_ATTRIBUTION_HOURS (`recent`). Quick-reply and interactive ' +
      'button taps carry `button`. A redelivered webhook never lists a message twice.',
  })
  @ApiOkResponse({ type: ReplyPageDto })
  @ApiBadRequestResponse({ description: 'Bad cursor or limit' })
  replies(@Param('id') id: string, @Query() query: RepliesQueryDto): Promise<ReplyPageDto> {
    return this.engagement.replies(id, query);
  }
}
