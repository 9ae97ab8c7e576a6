import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MAX_BIGINT } from '../common/ids.js';
import { DomainError } from '../common/domain-error.js';
import type { ParkedInboxPageDto, ParkedInboxQueryDto, RequeueInboxDto, RequeueInboxResponse } from './dto/inbox.dto.js';
import { WebhookProcessorService } from './webhook-processor.service.js';
import { REQUEUE_PARKED, SELECT_PARKED_PAGE } from './webhooks.queries.js';

const DEFAULT_REQUEUE_LIMIT = 10_000;
const DEFAULT_PAGE_SIZE = 100;

interface ParkedRow {
  id: string;
  channel_id: string;
  received_at: Date;
  processed_at: Date | null;
  attempts: number;
  last_error: string | null;
}

/**
 * Operator access to parked inbox items: nothing re-drives them by itself (they were given up on),
 * so once the cause is fixed (a recipient imported late, a bug deployed away) they are set back to
 * pending here and the processors pick them up.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly processor: WebhookProcessorService,
  ) {}

  async parked(query: ParkedInboxQueryDto): Promise<ParkedInboxPageDto> {
    const after = query.cursor ?? '0';
    requireBigint(after, 'cursor');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows: ParkedRow[] = await this.dataSource.query(SELECT_PARKED_PAGE, [after, limit + 1]);
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
    const rows: Array<{ id: string }> = await this.dataSource.query(REQUEUE_PARKED, [
      dto.ids ?? null,
      dto.channelId ?? null,
      dto.reason ?? null,
      limit,
    ]);
    if (rows.length > 0) {
      this.logger.log(`Requeued ${rows.length} parked webhook inbox items`);
      this.processor.nudge();
    }
    return { requeued: rows.length, more: rows.length === limit };
  }
}

function requireBigint(value: string, field: string): void {
  if (!/^[0-9]{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) {
    throw new DomainError('invalid', `${field} must hold inbox item ids (positive integers up to ${MAX_BIGINT})`);
  }
}
