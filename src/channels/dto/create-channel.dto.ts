import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import type { ApiGeneration } from '../channel.entity.js';

export const API_GENERATIONS: ApiGeneration[] = ['cloud', 'onpremise'];
export const E164 = /^\+[1-9]\d{6,14}$/;
export const BASE_URL_OPTIONS: NonNullable<Parameters<typeof IsUrl>[0]> = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
/** Meta allows up to 1,000 per number; higher values serve self-hosted gateways and the sandbox benchmarks. */
export const MAX_MESSAGES_PER_SECOND = 10_000;

export const VERIFY_PHONE_NUMBER =
  'Default true: the key is checked with 360dialog (GET {baseUrl}/v1/configs/phone_number) and refused (422) when it belongs to another number; 502 when 360dialog cannot be reached. false skips the check (offline set-ups).';
export const MARKETING_MESSAGES_API =
  "Cloud only. MARKETING templates (category from the template registry) go to POST {baseUrl}/marketing_messages, Meta's Marketing Messages API; other templates to /messages.";
export const MARKETING_MESSAGES_FALLBACK =
  'On error 131055 (not eligible, or terms not accepted) send through /messages instead; default false pauses the channel\'s marketing campaigns with the reason.';
export const PARTNER_CHANNEL_ID = "The channel's id at 360dialog's Partner API: needed by POST /v1/channels/:id/api-key/rotate.";

export class CreateChannelDto {
  @ApiProperty({ example: 'Main number' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '+4930123456', description: 'The WhatsApp number in E.164' })
  @IsString()
  @Matches(E164, { message: 'phoneNumber must be an E.164 number such as +4930123456' })
  phoneNumber: string;

  @ApiProperty({ description: "The channel's D360-API-KEY. Stored encrypted; never returned (apiKeyLast4 only).", writeOnly: true })
  @IsString()
  @MinLength(8, { message: 'apiKey must be the D360-API-KEY of the channel (at least 8 characters)' })
  @MaxLength(500)
  apiKey: string;

  @ApiProperty({ enum: API_GENERATIONS, example: 'cloud' })
  @IsIn(API_GENERATIONS, { message: 'apiGeneration must be cloud or onpremise' })
  apiGeneration: ApiGeneration;

  @ApiPropertyOptional({ example: 'https://waba-v2.360dialog.io', description: 'Defaults by generation: cloud https://waba-v2.360dialog.io, onpremise https://waba.360dialog.io' })
  @IsOptional()
  @IsUrl(BASE_URL_OPTIONS, { message: 'baseUrl must be an http(s) URL such as https://waba-v2.360dialog.io' })
  baseUrl?: string;

  @ApiPropertyOptional({ example: 80, default: 80, minimum: 1, maximum: MAX_MESSAGES_PER_SECOND })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_MESSAGES_PER_SECOND)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: 10000, nullable: true, type: Number, description: 'Unique users per 24 h; null = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(1)
  messagingLimit?: number | null;

  @ApiPropertyOptional({ example: 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574', nullable: true, type: String, description: 'Required for onpremise' })
  @ValidateIf((dto: CreateChannelDto) => dto.apiGeneration === 'onpremise' || (dto.templateNamespace !== undefined && dto.templateNamespace !== null))
  @IsString({ message: 'templateNamespace is required for apiGeneration onpremise' })
  @IsNotEmpty({ message: 'templateNamespace is required for apiGeneration onpremise' })
  @MaxLength(200)
  templateNamespace?: string | null;

  @ApiPropertyOptional({ default: true, example: true, description: VERIFY_PHONE_NUMBER, writeOnly: true })
  @IsOptional()
  @IsBoolean({ message: 'verifyPhoneNumber must be true or false' })
  verifyPhoneNumber?: boolean;

  @ApiPropertyOptional({ default: false, example: true, description: MARKETING_MESSAGES_API })
  @IsOptional()
  @IsBoolean({ message: 'marketingMessagesApi must be true or false' })
  marketingMessagesApi?: boolean;

  @ApiPropertyOptional({ default: false, example: false, description: MARKETING_MESSAGES_FALLBACK })
  @IsOptional()
  @IsBoolean({ message: 'marketingMessagesFallback must be true or false' })
  marketingMessagesFallback?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'abcdefCH', description: PARTNER_CHANNEL_ID })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  partnerChannelId?: string | null;
}
