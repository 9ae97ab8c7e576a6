import { Injectable, Logger } from '@nestjs/common';
import { MAX_BIGINT } from '../common/ids.js';
import { DomainError } from '../common/domain-error.js';
import type { ParkedInboxPageDto, ParkedInboxQueryDto, RequeueInboxDto, RequeueInboxResponse } from './dto/inbox.dto.js';
import { InboxRepository } from './inbox.repository.js';
import { WebhookProcessorService } from './webhook-processor.service.js';

const DEFAULT_REQUEUE_LIMIT = 10_000;
const DEFAULT_PAGE_SIZE = 100;

/**
 * Operator access to parked inbox items: nothing re-drives them by itself (they were given up on),
 * so once the cause is fixed (a recipient imported late, a bug deployed away) they are set back to
 * pending here and the processors pick them up.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(
    private readonly inbox: InboxRepository,
    private readonly processor: WebhookProcessorService,
  ) {}

  async parked(query: ParkedInboxQueryDto): Promise<ParkedInboxPageDto> {
    const after = query.cursor ?? '0';
    requireBigint(after, 'cursor');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.inbox.parkedPage(after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        channelId: row.channel_id,
        receivedAt: new Date(row.received_at).toISOString(),
        parkedAt: row.processed_at ? new Date(row.processed_at).toISOString() : null,
        attempts: row.attempts,
        lastError: row.last_error,
      })),
      nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    };
  }

  async requeue(dto: RequeueInboxDto): Promise<RequeueInboxResponse> {
    for (const id of dto.ids ?? []) requireBigint(id, 'ids');
    const limit = dto.limit ?? DEFAULT_REQUEUE_LIMIT;
    const ids = await this.inbox.requeueParked({ ids: dto.ids ?? null, channelId: dto.channelId ?? null, reason: dto.reason ?? null }, limit);
    if (ids.length > 0) {
      this.logger.log(`Requeued ${ids.length} parked webhook inbox items`);
      this.processor.nudge();
    }
    return { requeued: ids.length, more: ids.length === limit };
  }
}

function requireBigint(value: string, field: string): void {
  if (!/^[0-9]{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) {
    throw new DomainError('invalid', `${field} must hold inbox item ids (positive integers up to ${MAX_BIGINT})`);
  }
}
