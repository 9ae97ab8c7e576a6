import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import type { ApiGeneration } from '../channel.entity.js';
import { AccountEventSummaryResponse } from './channel-event.dto.js';
import { API_GENERATIONS, MARKETING_MESSAGES_API, MARKETING_MESSAGES_FALLBACK, PARTNER_CHANNEL_ID } from './create-channel.dto.js';

export class ChannelWebhookResponse {
  @ApiProperty({ example: 'https://engine.example.com/webhooks/360dialog/3f0c…' })
  url: string;

  @ApiProperty({ example: 'wa-7f3a9c' })
  username: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the URL was last registered with 360dialog' })
  registeredAt: string | null;
}

export class CreatedChannelWebhookResponse extends ChannelWebhookResponse {
  @ApiProperty({ description: 'Shown only in this answer (stored hashed); POST /v1/channels/:id/webhook rotates it' })
  password: string;
}

export class ChannelResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Main number' })
  name: string;

  @ApiProperty({ example: '+4930123456' })
  phoneNumber: string;

  @ApiProperty({ enum: API_GENERATIONS })
  apiGeneration: ApiGeneration;

  @ApiProperty({ example: 'https://waba-v2.360dialog.io' })
  baseUrl: string;

  @ApiProperty({ example: 'a1B2', description: 'Last 4 characters of the API key; the key itself is never returned' })
  apiKeyLast4: string;

  @ApiProperty({ type: String, nullable: true })
  templateNamespace: string | null;

  @ApiProperty({ example: 80 })
  messagesPerSecond: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The limit set by hand (unique people per 24 h); null = none' })
  messagingLimit: number | null;

  @ApiProperty({ example: false, description: MARKETING_MESSAGES_API })
  marketingMessagesApi: boolean;

  @ApiProperty({ example: false, description: MARKETING_MESSAGES_FALLBACK })
  marketingMessagesFallback: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'abcdefCH', description: PARTNER_CHANNEL_ID })
  partnerChannelId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'FLAGGED', description: 'As the last phone_number_quality_update said (its event); null: never told' })
  qualityRating: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The messaging limit WhatsApp last announced (quality or capability webhook); null: none or unlimited' })
  whatsappMessagingLimit: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The limit the sender uses: the lower of messagingLimit and whatsappMessagingLimit; null = unlimited' })
  effectiveMessagingLimit: number | null;

  @ApiProperty({ type: String, enum: ['manual', 'whatsapp'], nullable: true, description: 'Which limit decides effectiveMessagingLimit; null when neither is set' })
  messagingLimitSource: 'manual' | 'whatsapp' | null;

  @ApiProperty({ type: AccountEventSummaryResponse, nullable: true, description: 'The latest account, quality or capability webhook; history: GET /v1/channels/:id/events' })
  lastAccountEvent: AccountEventSummaryResponse | null;

  @ApiProperty({ type: ChannelWebhookResponse })
  webhook: ChannelWebhookResponse;

  @ApiProperty({ type: String, nullable: true, description: 'Set while the channel is paused (e.g. bad API key, payment problem)' })
  pausedReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The sender runs the channel slower until then, after a throttling answer' })
  throttledUntil: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class CreatedChannelResponse extends OmitType(ChannelResponse, ['webhook'] as const) {
  @ApiProperty({ type: CreatedChannelWebhookResponse })
  webhook: CreatedChannelWebhookResponse;
}

export class ChannelListResponse {
  @ApiProperty({ type: [ChannelResponse] })
  items: ChannelResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;
}

export class WebhookRegistrationResponse {
  @ApiProperty({ example: 'https://engine.example.com/webhooks/360dialog/3f0c…' })
  url: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ description: 'The new webhook password (the previous one stops working); shown only here' })
  password: string;

  @ApiProperty({ description: 'What 360dialog answered', type: 'object', additionalProperties: true })
  upstream: unknown;

  @ApiProperty({ type: [String], description: 'Problems 360dialog may have with this URL (e.g. a port in a Cloud API webhook URL)' })
  warnings: string[];
}

export class ChannelHealthResponse {
  @ApiProperty({ format: 'uuid' })
  channelId: string;

  @ApiProperty({ description: 'true when 360dialog answered 2xx and, On-Premise, every gateway reports connected' })
  ok: boolean;

  @ApiProperty({ example: 'connected', description: 'On-Premise: the gateway status; Cloud: ok; else the error 360dialog gave' })
  status: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when 360dialog could not be reached' })
  httpStatus: number | null;

  @ApiPropertyOptional({
    description: "What 360dialog answered: its health body (On-Premise) or its error; null for a healthy Cloud channel (the check reads the template list)",
    type: 'object',
    additionalProperties: true,
    nullable: true,
  })
  upstream: unknown;

  @ApiProperty({ format: 'date-time' })
  checkedAt: string;

  @ApiProperty({ description: 'true when this answer comes from the 5-minute cache' })
  cached: boolean;
}

export class ApiKeyRotationResponse {
  @ApiProperty({ format: 'uuid' })
  channelId: string;

  @ApiProperty({ example: 'k9Z2', description: 'Last 4 characters of the new key, which the channel sends with from now on' })
  apiKeyLast4: string;

  @ApiProperty({ example: 'a1B2', description: 'Last 4 characters of the key it replaced' })
  previousApiKeyLast4: string;

  @ApiProperty({ example: '+4930123456', description: 'The number 360dialog says the new key belongs to (GET /v1/configs/phone_number)' })
  phoneNumber: string;

  @ApiProperty({ example: true, description: 'Whether the previous key was deleted through the Partner API' })
  previousKeyDeleted: boolean;

  @ApiProperty({ type: [String], example: [], description: 'What is left to do by hand, e.g. when the previous key could not be identified or deleted upstream' })
  warnings: string[];
}
