import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RECIPIENT_STATUSES } from '../../common/recipient-status.js';

export class ButtonCountDto {
  @ApiProperty({ type: String, nullable: true, example: 'BOOK_NOW', description: 'Quick-reply payload or interactive reply id; null when WhatsApp sent none' })
  payload: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Book now' }) text: string | null;
  @ApiProperty({ example: 42, description: 'Recipients who tapped it' }) count: number;
}

export class EngagementDto {
  @ApiProperty({ example: 120, description: 'Recipients who answered (context.id, or within REPLY_ATTRIBUTION_HOURS)' }) replied: number;
  @ApiProperty({ example: 90, description: 'Recipients who tapped a quick-reply or interactive button' }) clicked: number;
  @ApiProperty({ example: 3, description: 'Recipients who opted out after this message (keyword, or WhatsApp 131050)' }) optedOut: number;
  @ApiProperty({ example: 0.15, description: 'replied / delivered, 4 decimals' }) replyRate: number;
  @ApiProperty({ type: [ButtonCountDto], description: 'Per button, most tapped first' }) buttons: ButtonCountDto[];
}

export class VariantReachedDto {
  @ApiProperty({ example: 500 }) sent: number;
  @ApiProperty({ example: 480 }) delivered: number;
  @ApiProperty({ example: 300 }) read: number;
}

export class VariantReportDto {
  @ApiProperty({ example: 'A' }) name: string;
  @ApiProperty({ example: 500, description: 'Recipients given this variant' }) total: number;
  @ApiProperty({
    description: 'Current state of its recipients, by status',
    example: Object.fromEntries(RECIPIENT_STATUSES.map((status) => [status, status === 'read' ? 300 : 0])),
  })
  counts: Record<string, number>;
  @ApiProperty({ type: VariantReachedDto }) reached: VariantReachedDto;
  @ApiProperty({ type: EngagementDto }) engagement: EngagementDto;
}

export class AbTestDto {
  @ApiProperty({ type: String, nullable: true, example: 'B', description: 'The variant picked for the rest (winner rule); null before' }) winnerVariant: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) winnerPickedAt: string | null;
}

export class ReplyButtonDto {
  @ApiProperty({ enum: ['quick_reply', 'button_reply', 'list_reply'] }) kind: string;
  @ApiProperty({ type: String, nullable: true, example: 'BOOK_NOW' }) payload: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Book now' }) text: string | null;
}

export class ReplyItemDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: '1234' }) recipientId: string;
  @ApiProperty({ example: '+4915112345678' }) phone: string;
  @ApiProperty({ example: 'wamid.HBgLNDkxNTE…', description: 'The inbound message id' }) messageId: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt: string;
  @ApiProperty({ example: 'button', description: 'WhatsApp message type: text, button, interactive, image, …' }) type: string;
  @ApiProperty({ type: String, nullable: true, example: 'Book now', description: 'Text body, or the tapped button / reply title' }) text: string | null;
  @ApiProperty({ type: ReplyButtonDto, nullable: true }) button: ReplyButtonDto | null;
  @ApiProperty({
    enum: ['context', 'recent'],
    description: 'context: the reply named this campaign message (context.id); recent: the latest campaign message to this person within REPLY_ATTRIBUTION_HOURS',
  })
  attribution: string;
  @ApiProperty({ description: 'The message was an opt-out keyword' }) optOut: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'A', description: 'The recipient’s A/B variant' }) variant: string | null;
}

export class ReplyPageDto {
  @ApiProperty({ type: [ReplyItemDto] }) items: ReplyItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

export class RepliesQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}
