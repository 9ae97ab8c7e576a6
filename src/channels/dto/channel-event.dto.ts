import { ApiProperty } from '@nestjs/swagger';
import { ListChannelsQueryDto } from './list-channels.dto.js';

export class AccountEventSummaryResponse {
  @ApiProperty({ example: 'account_update', description: 'account_update, phone_quality or business_capability' })
  kind: string;

  @ApiProperty({ example: 'ACCOUNT_RESTRICTION' })
  event: string;

  @ApiProperty({ example: 'ACCOUNT_RESTRICTION; restriction RESTRICTED_BIZ_INITIATED_MESSAGING until 2026-03-02 10:00 UTC' })
  summary: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
}

export class ChannelEventResponse {
  @ApiProperty({ example: '42', description: 'bigint as a string' })
  id: string;

  @ApiProperty({
    example: 'account_update',
    description: 'account_update, phone_quality, business_capability, template_status, template_category, value_error',
  })
  kind: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as read from the webhook (value_error: code, title, inboxId)' })
  detail: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', description: 'When WhatsApp says it happened' })
  occurredAt: string;

  @ApiProperty({ format: 'date-time', description: 'When the engine recorded it' })
  receivedAt: string;
}

export class ChannelEventListResponse {
  @ApiProperty({ type: [ChannelEventResponse], description: 'Newest first' })
  items: ChannelEventResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next (older) page; null on the last page' })
  nextCursor: string | null;
}

/** The same page parameters as the channels listing: cursor and limit. */
export class ListChannelEventsQueryDto extends ListChannelsQueryDto {}
