import { Injectable } from '@nestjs/common';
import { idCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { AccountEventSummaryResponse } from './dto/channel-event.dto.js';
import type { ChannelEventListResponse, ListChannelEventsQueryDto } from './dto/channel-event.dto.js';
import type { Channel } from './channel.entity.js';
import { ChannelEventsRepository } from './channel-events.repository.js';
import { ChannelsRepository } from './channels.repository.js';
import { effectiveMessagingLimit, type MessagingLimitSource } from './messaging-limit.js';

/** The channel events listing's cursor: the last id of a page; the next page holds the older events (id < it). */
const eventCursor = idCursor('ce');
const DEFAULT_PAGE_SIZE = 50;

/** What account signals add to a channel's view (GET /v1/channels/:id). */
export interface ChannelSignalsView {
  qualityRating: string | null;
  whatsappMessagingLimit: number | null;
  effectiveMessagingLimit: number | null;
  messagingLimitSource: MessagingLimitSource | null;
  lastAccountEvent: AccountEventSummaryResponse | null;
}

export function channelSignalsView(channel: Channel): ChannelSignalsView {
  const effective = effectiveMessagingLimit(channel);
  return {
    qualityRating: channel.qualityRating,
    whatsappMessagingLimit: channel.whatsappMessagingLimit,
    effectiveMessagingLimit: effective.limit,
    messagingLimitSource: effective.source,
    lastAccountEvent: channel.lastAccountEvent,
  };
}

/** GET /v1/channels/:id/events: what WhatsApp said about the channel, newest first. */
@Injectable()
export class ChannelEventsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly events: ChannelEventsRepository,
  ) {}

  async list(channelId: string, query: ListChannelEventsQueryDto): Promise<ChannelEventListResponse> {
    const channel = isUuid(channelId) ? await this.channels.findById(channelId) : null;
    if (!channel) throw notFound('Channel', channelId);
    let before: string | null = null;
    if (query.cursor !== undefined) {
      before = eventCursor.decode(query.cursor);
      if (before === null) throw new DomainError('invalid', 'cursor is not valid: pass the nextCursor of the previous page unchanged');
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.events.page(channelId, before, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.id,
        kind: row.kind,
        detail: row.detail,
        occurredAt: new Date(row.occurred_at).toISOString(),
        receivedAt: new Date(row.received_at).toISOString(),
      })),
      nextCursor: rows.length > limit && last ? eventCursor.encode(last.id) : null,
    };
  }
}
