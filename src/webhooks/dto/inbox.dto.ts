import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export const PARKED_REASONS = ['processing_error', 'unknown_message'] as const;
export type ParkedReason = (typeof PARKED_REASONS)[number];

const INBOX_ID = /^[1-9][0-9]{0,18}$/;

export class RequeueInboxDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these inbox item ids (as listed by GET /v1/webhooks/inbox/parked)', example: ['1234'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @Matches(INBOX_ID, { each: true, message: 'each id must be an inbox item id (digits)' })
  ids?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only items of this channel' })
  @IsOptional()
  @IsUUID()
  channelId?: string;

  @ApiPropertyOptional({
    enum: PARKED_REASONS,
    description: 'processing_error: parked after repeated errors of the item; unknown_message: no recipient had its message id within the retry window',
  })
  @IsOptional()
  @IsIn(PARKED_REASONS)
  reason?: ParkedReason;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, default: 10_000, description: 'At most this many items per call (oldest first)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;
}

export class RequeueInboxResponse {
  @ApiProperty({ description: 'Parked items set back to pending, due now', example: 12 }) requeued: number;
  @ApiProperty({ description: 'True when the limit was reached: call again for the rest' }) more: boolean;
}

export class ParkedInboxQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  @Matches(INBOX_ID, { message: 'cursor must be the nextCursor of the previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ParkedInboxItemDto {
  @ApiProperty({ example: '1234' }) id: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) parkedAt: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was parked' }) lastError: string | null;
}

export class ParkedInboxPageDto {
  @ApiProperty({ type: [ParkedInboxItemDto] }) items: ParkedInboxItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
