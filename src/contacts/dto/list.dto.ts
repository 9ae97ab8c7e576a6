import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListResponse {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: 'Spring customers' })
  name: string;

  @ApiProperty({ example: 950 })
  memberCount: number;

  @ApiProperty()
  createdAt: string;
}

export class ListPageResponse {
  @ApiProperty({ type: [ListResponse] })
  items: ListResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class ListListsQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
