import { Body, Controller, Get, HttpCode, Param, Patch, type PipeTransform, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { ChannelEventsService } from './channel-events.service.js';
import { ChannelsService } from './channels.service.js';
import { ChannelEventListResponse, ListChannelEventsQueryDto } from './dto/channel-event.dto.js';
import { ApiKeyRotationService } from './api-key-rotation.service.js';
import {
  ApiKeyRotationResponse,
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
    private readonly rotation: ApiKeyRotationService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a WhatsApp number (channel); the answer holds its webhook password, shown only once' })
  @ApiCreatedResponse({ type: CreatedChannelResponse })
  @ApiBadRequestResponse({ description: 'Invalid body; the message names the field' })
  @ApiUnprocessableEntityResponse({ description: 'The API key belongs to another number than phoneNumber (both named), or 360dialog refused it' })
  @ApiBadGatewayResponse({ description: 'GET {baseUrl}/v1/configs/phone_number could not be answered (360dialog unreachable); "verifyPhoneNumber": false skips the check' })
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
  @ApiUnprocessableEntityResponse({ description: 'A new apiKey (or the key on a new baseUrl) belongs to another number than the channel\'s (both named)' })
  @ApiBadGatewayResponse({ description: 'The phone number check could not reach 360dialog; "verifyPhoneNumber": false skips it' })
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

  @Post(':id/api-key/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate the channel's D360-API-KEY through 360dialog's Partner API",
    description:
      'Creates a new key (POST {PARTNER_API_URL}/partners/{PARTNER_ID}/channels/{partnerChannelId}/api_keys), checks it with GET {baseUrl}/v1/configs/phone_number, ' +
      'stores it encrypted and sends with it from the next claim on; after API_KEY_ROTATION_GRACE_MS the previous key is deleted upstream. ' +
      'Sends still holding the previous key that are refused with 401 are re-queued, so no message is lost or sent twice.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ApiKeyRotationResponse })
  @ApiNotFoundResponse({ description: 'No channel with this id' })
  @ApiConflictResponse({ description: 'PARTNER_ID / PARTNER_API_TOKEN not configured, the channel has no partnerChannelId, or a rotation is under way; the message says what to set' })
  @ApiUnprocessableEntityResponse({ description: 'The new key belongs to another number (it is deleted again upstream)' })
  @ApiBadGatewayResponse({ description: "360dialog's Partner API or /phone_number could not be reached or refused" })
  rotateApiKey(@Param('id', ChannelIdPipe) id: string): Promise<ApiKeyRotationResponse> {
    return this.rotation.rotate(id);
  }
}
