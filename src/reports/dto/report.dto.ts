import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RECIPIENT_STATUSES } from '../../common/recipient-status.js';
import { BUCKETS, type Bucket } from '../report-math.js';
import { CampaignCostDto } from './cost.dto.js';
import { AbTestDto, EngagementDto, VariantReportDto } from './engagement.dto.js';

/** The range of campaign_recipients.error_code (int4). */
const ERROR_CODE_MIN = -2147483648;
const ERROR_CODE_MAX = 2147483647;

/** Every waiting_reason the engine writes (sender, webhooks): the report's waiting groups and a recipient's waitingReason. */
export const WAITING_REASONS = [
  'send_window',
  'messaging_limit',
  'retry',
  'throttled',
  'pair_rate_limit',
  'marketing_limit',
  'unknown_outcome',
  'campaign_paused',
  'channel_paused',
  'frequency_cap',
  'ab_test',
];

export class ReportCountsDto {
  @ApiProperty({ example: 10 }) pending: number;
  @ApiProperty({ example: 0 }) sending: number;
  @ApiProperty({ example: 100 }) sent: number;
  @ApiProperty({ example: 600 }) delivered: number;
  @ApiProperty({ example: 200 }) read: number;
  @ApiProperty({ example: 60 }) failed: number;
  @ApiProperty({ example: 30 }) skipped: number;
  @ApiProperty({ example: 0 }) cancelled: number;
  @ApiProperty({ example: 0 }) unknown: number;
}

export class ReachedDto {
  @ApiProperty({ description: 'Recipients with sent_at set (cumulative)', example: 900 }) sent: number;
  @ApiProperty({ description: 'Recipients with delivered_at set (cumulative)', example: 800 }) delivered: number;
  @ApiProperty({ description: 'Recipients with read_at set', example: 200 }) read: number;
}

export class ReportErrorDto {
  @ApiProperty({ example: 131026 }) code: number;
  @ApiProperty({ type: String, nullable: true, example: 'Message undeliverable' }) title: string | null;
  @ApiProperty({ example: 40 }) count: number;
}

export class ReportTimelineDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduledAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstSentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt: string | null;
}

export class SendRateDto {
  @ApiProperty({ description: 'Messages sent per second over the window', example: 79.8 }) perSecond: number;
  @ApiProperty({ description: 'Seconds measured (10, or less just after the first send)', example: 10 }) windowSeconds: number;
}

export class EtaDto {
  @ApiProperty({ description: 'Recipients still to send (pending, incl. waiting, + sending)', example: 4000 }) remaining: number;
  @ApiProperty({ type: Number, nullable: true, description: 'At the current send rate; null while nothing is being sent', example: 50 })
  secondsRemaining: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completesAt: string | null;
}

export class WaitingGroupDto {
  @ApiProperty({
    description: 'waiting_reason of pending recipients (send_window: also a recipient-local window; frequency_cap: MARKETING_FREQUENCY_CAP or the campaign\'s frequencyCap)',
    enum: WAITING_REASONS,
    example: 'send_window',
  })
  reason: string;
  @ApiProperty({ example: 1200 }) count: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the first of them is due again' })
  nextAttemptAt: string | null;
}

export class CampaignReportDto {
  @ApiProperty() campaignId: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'running' }) status: string;
  @ApiProperty({ type: String, nullable: true }) pausedReason: string | null;
  @ApiProperty({ type: String, nullable: true }) failureReason: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Something WhatsApp changed about the template since (e.g. recategorised as MARKETING)' })
  templateNotice: string | null;
  @ApiProperty({ description: 'Sum of counts', example: 1000 }) total: number;
  @ApiProperty({ type: ReportCountsDto, description: 'Current state of each recipient; adds up to total' }) counts: ReportCountsDto;
  @ApiProperty({ type: ReachedDto }) reached: ReachedDto;
  @ApiProperty({ type: [ReportErrorDto], description: 'Failed recipients by error code, most frequent first' }) errors: ReportErrorDto[];
  @ApiProperty({ type: ReportTimelineDto }) timeline: ReportTimelineDto;
  @ApiProperty({ type: SendRateDto }) sendRate: SendRateDto;
  @ApiProperty({ type: EtaDto, nullable: true, description: 'Only while the campaign is running' }) eta: EtaDto | null;
  @ApiProperty({ type: [WaitingGroupDto], description: 'Pending recipients waiting for a send window, the messaging limit or a retry' })
  waiting: WaitingGroupDto[];
  @ApiProperty({ type: String, format: 'date-time' }) generatedAt: string;

  @ApiProperty({ type: () => CampaignCostDto, description: "What the campaign was estimated to cost and what its charged messages cost, by the rate card (amounts: decimal strings from integer micro-units)" })
  cost: CampaignCostDto;
  @ApiProperty({ type: EngagementDto, description: 'Replies, button clicks and opt-outs after this campaign’s messages' }) engagement: EngagementDto;
  @ApiProperty({ type: [VariantReportDto], description: 'A/B test: one entry per variant (empty for a single-template campaign)' })
  variants: VariantReportDto[];
  @ApiProperty({ type: AbTestDto, nullable: true, description: 'A/B test with a winner rule: the winner, once picked' }) abTest: AbTestDto | null;
}

export class RecipientItemDto {
  @ApiProperty({ example: '1234' }) id: string;
  @ApiProperty({ example: '77' }) contactId: string;
  @ApiProperty({ example: '+4915112345678' }) phone: string;
  @ApiProperty({ enum: RECIPIENT_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) messageId: string | null;
  @ApiProperty({ type: Number, nullable: true }) errorCode: number | null;
  @ApiProperty({ type: String, nullable: true }) errorTitle: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why a skipped recipient was not sent, e.g. opted_out, not_opted_in, missing_parameter:<field>, frequency_cap (its cap frees it only after validUntil)' }) skipReason: string | null;
  @ApiProperty({ type: String, nullable: true, enum: WAITING_REASONS, description: 'Why a pending recipient waits' }) waitingReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Pending recipients only' }) nextAttemptAt: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: () => RecipientPricingDto, nullable: true, description: "The message's pricing, as its first status carrying it said" })
  pricing: RecipientPricingDto | null;
  @ApiProperty({ type: String, nullable: true, description: "WhatsApp's business-scoped user id of the recipient, when a status carried it" })
  userId: string | null;  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the contact first answered this message' }) repliedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'BOOK_NOW', description: 'The first button tapped in answer: its payload, else its text' })
  clickedButton: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'A', description: 'A/B variant (null: single template, or held for the winner)' }) variant: string | null;
}

export class RecipientPricingDto {
  @ApiProperty({ type: String, nullable: true, example: 'marketing' }) category: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'PMP' }) model: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'regular' }) type: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) billable: boolean | null;
}

export class RecipientPageDto {
  @ApiProperty({ type: [RecipientItemDto] }) items: RecipientItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;
}

export class RecipientFilterQueryDto {
  @ApiPropertyOptional({ enum: RECIPIENT_STATUSES, description: 'Only recipients in this state' })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: ERROR_CODE_MIN,
    maximum: ERROR_CODE_MAX,
    description: 'Only recipients with this 360dialog/WhatsApp error code',
    example: 131026,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  // error_code is a 32-bit integer column: a value outside it cannot match, and would make Postgres fail.
  @Min(ERROR_CODE_MIN)
  @Max(ERROR_CODE_MAX)
  errorCode?: number;
}

export class RecipientsQueryDto extends RecipientFilterQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class TimeseriesQueryDto {
  @ApiPropertyOptional({ enum: BUCKETS, description: 'Bucket size; a finer one than the span allows (900 points) is coarsened' })
  @IsOptional()
  @IsIn(BUCKETS)
  bucket?: Bucket;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Only buckets from this time on (incremental refresh)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
}

export class TimeseriesPointDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'Bucket start (UTC)' }) t: string;
  @ApiProperty({ description: 'Recipients whose sent_at falls in the bucket' }) sent: number;
  @ApiProperty({ description: 'Recipients whose delivered_at falls in the bucket' }) delivered: number;
}

export class TimeseriesDto {
  @ApiProperty() campaignId: string;
  @ApiProperty({ enum: BUCKETS }) bucket: Bucket;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) from: string | null;
  @ApiProperty({ type: [TimeseriesPointDto] }) items: TimeseriesPointDto[];
}

export class DownloadLinkDto {
  @ApiProperty({ description: 'Same-origin path to GET; works without the API token until expiresAt', example: '/campaigns/…/report.csv?grant=g1.…' })
  url: string;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt: string;
}
