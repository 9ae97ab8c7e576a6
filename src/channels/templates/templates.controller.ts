import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../../common/api-token.guard.js';
import { ChannelIdPipe, ID_PARAM } from '../channels.controller.js';
import { ChannelTemplateListResponse, TemplateSyncResponse } from './templates.dto.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/channels/:id/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({
    summary: "The channel's template registry as last synced from 360dialog",
    description: 'Per template: status, category, parameter format and, per component, how many parameters a send must give (counted from the template text).',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ChannelTemplateListResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  list(@Param('id', ChannelIdPipe) id: string): Promise<ChannelTemplateListResponse> {
    return this.templates.list(id);
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: "Re-list the channel's templates from 360dialog now (GET {baseUrl}/v1/configs/templates, every page)" })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TemplateSyncResponse, description: 'How many templates were added, changed and removed' })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  @ApiBadGatewayResponse({ description: '360dialog could not be reached or refused the listing; the message names its error' })
  sync(@Param('id', ChannelIdPipe) id: string): Promise<TemplateSyncResponse> {
    return this.templates.sync(id);
  }
}
