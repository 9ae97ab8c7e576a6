import { Body, Controller, Get, HttpCode, Param, Patch, type PipeTransform, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { ChannelEventsService } from './channel-events.service.js';
import { ChannelsService } from './channels.service.js';
import { ChannelEventListResponse, ListChannelEventsQueryDto } from './dto/channel-event.dto.js';
import {
  ChannelHealthResponse,
  ChannelListResponse,
  ChannelResponse,
  CreatedChannelResponse,
  WebhookRegistrationResponse,
} from './dto/channel-response.dto.js';
import { CreateChannelDto } from './dto/create-channel.dto.js';
import { ListChannelsQueryDto } from './dto/list-channels.dto.js';
import { UpdateChannelDto } from './dto/update-channel.dto.js';

export class ChannelIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) {
      throw new DomainError('invalid', `"${value.slice(0, 60)}" is not a channel id: channel ids are UUIDs such as 3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b`);
    }
    return value;
  }
}

export const ID_PARAM = { name: 'id', format: 'uuid', description: 'Channel id' } as const;

@ApiTags('channels')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly events: ChannelEventsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a WhatsApp number (channel); the answer holds its webhook password, shown only once' })
  @ApiCreatedResponse({ type: CreatedChannelResponse })
  @ApiBadRequestResponse({ description: 'Invalid body; the message names the field' })
  create(@Body() dto: CreateChannelDto): Promise<CreatedChannelResponse> {
    return this.channels.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List channels, oldest first' })
  @ApiOkResponse({ type: ChannelListResponse })
  list(@Query() query: ListChannelsQueryDto): Promise<ChannelListResponse> {
    return this.channels.list(query);
  }

  @Get(':id')
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ChannelResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  get(@Param('id', ChannelIdPipe) id: string): Promise<ChannelResponse> {
    return this.channels.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, API key, base URL, rate, messaging limit or namespace; "pausedReason": null resumes a paused channel' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ChannelResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  update(@Param('id', ChannelIdPipe) id: string, @Body() dto: UpdateChannelDto): Promise<ChannelResponse> {
    return this.channels.update(id, dto);
  }

  @Post(':id/webhook')
  @HttpCode(200)
  @ApiOperation({
    summary: "Register the channel's webhook URL with 360dialog",
    description: 'Rotates the webhook password (stored hashed only), registers URL and Basic header with 360dialog and returns the new credentials.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: WebhookRegistrationResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  @ApiBadGatewayResponse({ description: '360dialog refused the registration or could not be reached; the message names its error' })
  registerWebhook(@Param('id', ChannelIdPipe) id: string): Promise<WebhookRegistrationResponse> {
    return this.channels.registerWebhook(id);
  }

  @Get(':id/health')
  @ApiOperation({
    summary: "360dialog's health for this number, cached for 5 minutes",
    description:
      'On-Premise: GET {baseUrl}/v1/health (every gateway must report connected). Cloud API, which has no health endpoint: ' +
      'GET {baseUrl}/v1/configs/templates must answer 2xx (360dialog reachable, API key accepted).',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ChannelHealthResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  health(@Param('id', ChannelIdPipe) id: string): Promise<ChannelHealthResponse> {
    return this.channels.health(id);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'What WhatsApp said about this number, newest first',
    description:
      'Account, quality and capability updates, template status and category changes, and errors that name no message (value-level errors), ' +
      'from the webhooks 360dialog posted to this channel. Keyset-paginated: pass nextCursor as ?cursor=.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ChannelEventListResponse })
  @ApiBadRequestResponse({ description: 'A cursor this listing did not issue' })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  listEvents(@Param('id', ChannelIdPipe) id: string, @Query() query: ListChannelEventsQueryDto): Promise<ChannelEventListResponse> {
    return this.events.list(id, query);
  }
}
