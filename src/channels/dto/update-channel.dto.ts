import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { BASE_URL_OPTIONS, MARKETING_MESSAGES_API, MARKETING_MESSAGES_FALLBACK, MAX_MESSAGES_PER_SECOND, PARTNER_CHANNEL_ID } from './create-channel.dto.js';

/** Absent fields stay as they are; `null` is accepted only where it means something (no limit, no pause, no namespace). */
export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'Main number' })
  @ValidateIf((dto: UpdateChannelDto) => dto.name !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'A new D360-API-KEY', writeOnly: true })
  @ValidateIf((dto: UpdateChannelDto) => dto.apiKey !== undefined)
  @IsString()
  @MinLength(8, { message: 'apiKey must be the D360-API-KEY of the channel (at least 8 characters)' })
  @MaxLength(500)
  apiKey?: string;

  @ApiPropertyOptional({ example: 'https://waba-v2.360dialog.io' })
  @ValidateIf((dto: UpdateChannelDto) => dto.baseUrl !== undefined)
  @IsUrl(BASE_URL_OPTIONS, { message: 'baseUrl must be an http(s) URL such as https://waba-v2.360dialog.io' })
  baseUrl?: string;

  @ApiPropertyOptional({ example: 80, minimum: 1, maximum: MAX_MESSAGES_PER_SECOND })
  @ValidateIf((dto: UpdateChannelDto) => dto.messagesPerSecond !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_MESSAGES_PER_SECOND)
  messagesPerSecond?: number;

  @ApiPropertyOptional({ example: 10000, nullable: true, type: Number, description: 'null = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(1)
  messagingLimit?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Required (not null) for onpremise channels' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  templateNamespace?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null resumes a paused channel; a text pauses it with that reason' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  pausedReason?: string | null;

  @ApiPropertyOptional({
    default: true,
    example: true,
    writeOnly: true,
    description: 'With apiKey or baseUrl: default true checks the key with 360dialog (GET {baseUrl}/v1/configs/phone_number), 422 when it belongs to another number; false skips it',
  })
  @IsOptional()
  @IsBoolean({ message: 'verifyPhoneNumber must be true or false' })
  verifyPhoneNumber?: boolean;

  @ApiPropertyOptional({ example: true, description: MARKETING_MESSAGES_API })
  @ValidateIf((dto: UpdateChannelDto) => dto.marketingMessagesApi !== undefined)
  @IsBoolean({ message: 'marketingMessagesApi must be true or false' })
  marketingMessagesApi?: boolean;

  @ApiPropertyOptional({ example: false, description: MARKETING_MESSAGES_FALLBACK })
  @ValidateIf((dto: UpdateChannelDto) => dto.marketingMessagesFallback !== undefined)
  @IsBoolean({ message: 'marketingMessagesFallback must be true or false' })
  marketingMessagesFallback?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'abcdefCH', description: `${PARTNER_CHANNEL_ID} null removes it` })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  partnerChannelId?: string | null;
}
