import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { Audience } from '../../audiences/audience.js';
import { AUDIENCE_DESCRIPTION, AudienceDto } from '../../audiences/dto/audience.dto.js';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { CampaignVariantDto, FREQUENCY_CAP, FrequencyCapDto, SendWindowDto, TemplateDto, WinnerRuleDto } from './campaign-parts.dto.js';

export { CampaignVariantDto, FrequencyCapDto, SendWindowDto, TemplateComponentDto, TemplateDto, WinnerRuleDto } from './campaign-parts.dto.js';
/** Meta's message_send_ttl_seconds bounds for marketing templates (docs/whatsapp-api.md): 12 h to 30 days. */
export const TTL_SECONDS_MIN = 12 * 3600;
export const TTL_SECONDS_MAX = 30 * 24 * 3600;
const TTL_SECONDS_MESSAGE = `ttlSeconds must be a whole number of seconds from ${TTL_SECONDS_MIN} (12 h) to ${TTL_SECONDS_MAX} (30 days)`;
const TTL_SECONDS_DESCRIPTION =
  "Meta's message_send_ttl_seconds: how long WhatsApp keeps trying to deliver a MARKETING message sent through the Marketing Messages API (channel option marketingMessagesApi), 12 h to 30 days";

const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const SKIP_TEMPLATE_CHECK =
  "true: schedule and launch without checking the template against the channel's registry (for set-ups where 360dialog cannot be reached); WhatsApp then refuses a wrong template recipient by recipient";
const OFFSET_MESSAGE = '$property must be an ISO 8601 timestamp with an offset, e.g. 2026-12-01T09:00:00+01:00';

export class CreateCampaignDto {
  @ApiProperty({ example: 'Spring sale' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty()
  @IsUUID('all', { message: 'channelId must be a channel id (a UUID)' })
  channelId: string;

  @ApiPropertyOptional({ description: 'The one list to reach: shorthand for {"audience": {"listIds": [listId]}}. Give listId or audience' })
  @IsOptional()
  @IsUUID('all', { message: 'listId must be a list id (a UUID)' })
  listId?: string;

  @ApiPropertyOptional({ type: AudienceDto, description: AUDIENCE_DESCRIPTION })
  @IsOptional()
  @Allow()
  audience?: unknown;

  @ApiPropertyOptional({ type: TemplateDto, description: 'Required unless `variants` is given (never both)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TemplateDto)
  template?: TemplateDto;

  @ApiPropertyOptional({
    type: [CampaignVariantDto],
    description: 'A/B test instead of `template`: each recipient gets one variant, deterministically, split by weight',
    example: [
      { name: 'A', weight: 50, template: { name: 'spring_sale', language: 'en', components: [] } },
      { name: 'B', weight: 50, template: { name: 'spring_sale_v2', language: 'en', components: [] } },
    ],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2, { message: 'variants must hold at least two variants' })
  @ArrayMaxSize(10, { message: 'variants may hold at most 10 variants' })
  @ValidateNested({ each: true })
  @Type(() => CampaignVariantDto)
  variants?: CampaignVariantDto[];

  @ApiPropertyOptional({
    type: WinnerRuleDto,
    example: { metric: 'clicked', testShare: 20, afterHours: 4 },
    description: 'With variants: send the test share first, then the best variant to the rest after afterHours',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => WinnerRuleDto)
  winner?: WinnerRuleDto;

  @ApiPropertyOptional({ example: '2026-12-01T09:00:00+01:00', description: 'Without it the campaign is a draft' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: OFFSET_MESSAGE })
  @Matches(WITH_OFFSET, { message: OFFSET_MESSAGE })
  scheduledAt?: string;

  @ApiPropertyOptional({ type: SendWindowDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SendWindowDto)
  sendWindow?: SendWindowDto;

  @ApiPropertyOptional({ default: false, description: SKIP_TEMPLATE_CHECK })
  @IsOptional()
  @IsBoolean()
  skipTemplateCheck?: boolean;

  @ApiPropertyOptional({
    example: '2026-12-08T09:00:00+01:00',
    description: 'Nothing of the campaign is sent after this (131049 retries end failed). Default: scheduledAt + 7 days',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: OFFSET_MESSAGE })
  @Matches(WITH_OFFSET, { message: OFFSET_MESSAGE })
  validUntil?: string;

  @ApiPropertyOptional({ example: 86400, minimum: TTL_SECONDS_MIN, maximum: TTL_SECONDS_MAX, description: TTL_SECONDS_DESCRIPTION })
  @IsOptional()
  @IsInt({ message: TTL_SECONDS_MESSAGE })
  @Min(TTL_SECONDS_MIN, { message: TTL_SECONDS_MESSAGE })
  @Max(TTL_SECONDS_MAX, { message: TTL_SECONDS_MESSAGE })
  ttlSeconds?: number;
  @ApiPropertyOptional({ type: FrequencyCapDto, example: { max: 1, hours: 24 }, description: FREQUENCY_CAP })
  @IsOptional()
  @ValidateNested()
  @Type(() => FrequencyCapDto)
  frequencyCap?: FrequencyCapDto;
}

export class UpdateCampaignDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'channelId must be a channel id (a UUID)' })
  channelId?: string;

  @ApiPropertyOptional({ description: 'Reach this one list instead (replaces an audience)' })
  @IsOptional()
  @IsUUID('all', { message: 'listId must be a list id (a UUID)' })
  listId?: string;

  @ApiPropertyOptional({ type: AudienceDto, description: `Reach this audience instead (replaces listId). ${AUDIENCE_DESCRIPTION}` })
  @IsOptional()
  @Allow()
  audience?: unknown;

  @ApiPropertyOptional({ type: TemplateDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TemplateDto)
  template?: TemplateDto;

  @ApiPropertyOptional({ type: SendWindowDto, nullable: true, description: 'null removes the window' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SendWindowDto)
  sendWindow?: SendWindowDto | null;

  @ApiPropertyOptional({ description: SKIP_TEMPLATE_CHECK })
  @IsOptional()
  @IsBoolean()
  skipTemplateCheck?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2026-12-08T09:00:00+01:00',
    description: 'Nothing of the campaign is sent after this (131049 retries end failed); null: scheduledAt + 7 days',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: OFFSET_MESSAGE })
  @Matches(WITH_OFFSET, { message: OFFSET_MESSAGE })
  validUntil?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 86400, minimum: TTL_SECONDS_MIN, maximum: TTL_SECONDS_MAX, description: `${TTL_SECONDS_DESCRIPTION}; null removes it` })
  @IsOptional()
  @IsInt({ message: TTL_SECONDS_MESSAGE })
  @Min(TTL_SECONDS_MIN, { message: TTL_SECONDS_MESSAGE })
  @Max(TTL_SECONDS_MAX, { message: TTL_SECONDS_MESSAGE })
  ttlSeconds?: number | null;
  @ApiPropertyOptional({ type: FrequencyCapDto, nullable: true, example: { max: 2, hours: 168 }, description: `${FREQUENCY_CAP}; null: the engine's default again` })
  @IsOptional()
  @ValidateNested()
  @Type(() => FrequencyCapDto)
  frequencyCap?: FrequencyCapDto | null;
}

export class ScheduleCampaignDto {
  @ApiPropertyOptional({ example: '2026-12-01T09:00:00+01:00', description: 'Defaults to the time already set, else now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: OFFSET_MESSAGE })
  @Matches(WITH_OFFSET, { message: OFFSET_MESSAGE })
  scheduledAt?: string;
}

export class ListCampaignsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}

export class CampaignResponse {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() channelId: string;
  @ApiProperty({ nullable: true, type: String, description: 'The one list reached; null when audience is set' }) listId: string | null;
  @ApiProperty({ nullable: true, type: AudienceDto, description: 'Whom the campaign reaches, when not one list' }) audience: Audience | null;
  @ApiProperty({ type: TemplateDto }) template: TemplateDto;
  @ApiProperty({ nullable: true, type: String }) scheduledAt: string | null;
  @ApiProperty({ nullable: true, type: SendWindowDto }) sendWindow: SendWindowDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'Nothing is sent after this: as set, else scheduledAt + 7 days (null while unscheduled)' })
  validUntil: string | null;
  @ApiProperty({ enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) pausedReason: string | null;
  @ApiProperty({ nullable: true, type: String }) failureReason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Something WhatsApp changed about the template since (e.g. recategorised as MARKETING)' })
  templateNotice: string | null;

  @ApiProperty() skipTemplateCheck: boolean;
  @ApiProperty({ nullable: true, type: Number, example: 86400, description: TTL_SECONDS_DESCRIPTION }) ttlSeconds: number | null;
  @ApiProperty({ nullable: true, type: FrequencyCapDto, description: "The campaign's own cap; null: MARKETING_FREQUENCY_CAP applies" })
  frequencyCap: FrequencyCapDto | null;
  @ApiProperty({ nullable: true, type: [CampaignVariantDto], description: 'The A/B variants; `template` then mirrors the first' })
  variants: CampaignVariantDto[] | null;
  @ApiProperty({ nullable: true, type: WinnerRuleDto }) winner: WinnerRuleDto | null;
  @ApiProperty({ nullable: true, type: String, example: 'B', description: 'The variant that won and went to the rest' })
  winnerVariant: string | null;
  @ApiProperty({ nullable: true, type: String }) winnerPickedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) launchedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CampaignListResponse {
  @ApiProperty({ type: [CampaignResponse] }) items: CampaignResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
