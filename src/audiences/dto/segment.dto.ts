import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Audience } from '../audience.js';
import { AudienceDto } from './audience.dto.js';

export class CreateSegmentDto {
  @ApiProperty({ example: 'Berlin, opted in this year' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({
    type: AudienceDto,
    example: { listIds: ['5d4c1b8e-0f1a-4b9e-9c3d-2a7e6f1b0c11'], where: [{ field: 'city', op: 'eq', value: 'Berlin' }, { field: 'opted_in_at', op: 'after', value: '2026-01-01' }] },
    description: 'An audience as on a campaign, without segmentId (segments do not nest)',
  })
  @IsDefined({ message: 'audience is required, e.g. {"listIds": ["…"]}' })
  @Allow()
  audience: unknown;
}

export class SegmentResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'Berlin, opted in this year' }) name: string;
  @ApiProperty({ type: AudienceDto }) audience: Audience;
  @ApiProperty() createdAt: string;
}

export class SegmentListResponse {
  @ApiProperty({ type: [SegmentResponse] }) items: SegmentResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ListSegmentsQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}
