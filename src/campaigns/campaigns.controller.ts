import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, type PipeTransform, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { isUuid } from '../common/ids.js';
import { CampaignsService } from './campaigns.service.js';
import {
  CampaignListResponse,
  CampaignResponse,
  CreateCampaignDto,
  ListCampaignsQueryDto,
  ScheduleCampaignDto,
  UpdateCampaignDto,
} from './dto/campaign.dto.js';

/** A campaign id in the path: the one uuid check (common/ids.ts), answered as ParseUUIDPipe did. */
class CampaignIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new BadRequestException('Validation failed (uuid is expected)');
    return value;
  }
}

@ApiTags('campaigns')
@ApiBearerAuth()
@UseGuards(ApiTokenGuard)
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @ApiCreatedResponse({ type: CampaignResponse })
  create(@Body() body: CreateCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.create(body);
  }

  @Get()
  @ApiOkResponse({ type: CampaignListResponse })
  list(@Query() query: ListCampaignsQueryDto): Promise<CampaignListResponse> {
    return this.campaigns.list(query.cursor, query.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: CampaignResponse })
  get(@Param('id', CampaignIdPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Only draft and scheduled campaigns can be edited' })
  update(@Param('id', CampaignIdPipe) id: string, @Body() body: UpdateCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.update(id, body);
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Not allowed from the current status (named in the message)' })
  schedule(@Param('id', CampaignIdPipe) id: string, @Body() body: ScheduleCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.act(id, 'schedule', { scheduledAt: body.scheduledAt });
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Not allowed from the current status (named in the message)' })
  pause(@Param('id', CampaignIdPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.act(id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Not allowed from the current status (named in the message)' })
  resume(@Param('id', CampaignIdPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.act(id, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Not allowed from the current status (named in the message)' })
  cancel(@Param('id', CampaignIdPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.act(id, 'cancel');
  }

  @Post(':id/retry-failed')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiConflictResponse({ description: 'Not allowed from the current status (named in the message)' })
  retryFailed(@Param('id', CampaignIdPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.act(id, 'retry-failed');
  }
}
