import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { idCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import type { AbTestDto, EngagementDto, ReplyItemDto, ReplyPageDto, RepliesQueryDto, VariantReportDto } from './dto/engagement.dto.js';
import { replyRate, summariseVariants } from './engagement-math.js';
import { type ReplyRow, selectEngagement, selectReplyPage, selectVariantButtons, selectVariantRows } from './engagement.queries.js';
import { campaignExists } from './reports.queries.js';

const replyCursor = idCursor('rp');
const DEFAULT_PAGE_SIZE = 100;

const iso = (value: Date | string | null): string | null => (value ? new Date(value).toISOString() : null);

/** The report's engagement and A/B parts, and the replies listing (GET /v1/campaigns/:id/replies). */
@Injectable()
export class EngagementService {
  constructor(private readonly dataSource: DataSource) {}

  /** Engagement of the campaign, its variants (A/B test) and the winner; `delivered` from the counters (replyRate's base). */
  async forReport(campaignId: string, delivered: number): Promise<{ engagement: EngagementDto; variants: VariantReportDto[]; abTest: AbTestDto | null }> {
    const row = await selectEngagement(this.dataSource, campaignId);
    if (!row) throw notFound('Campaign', campaignId);
    const engagement = { replied: row.replied, clicked: row.clicked, optedOut: row.opted_out, replyRate: replyRate(row.replied, delivered), buttons: row.buttons };
    if (!row.variants) return { engagement, variants: [], abTest: null };
    const [rows, buttons] = await Promise.all([selectVariantRows(this.dataSource, campaignId), selectVariantButtons(this.dataSource, campaignId)]);
    return {
      engagement,
      variants: summariseVariants(
        row.variants.map((variant) => variant.name),
        rows,
        buttons,
      ),
      abTest: { winnerVariant: row.winner_variant, winnerPickedAt: iso(row.winner_picked_at) },
    };
  }

  /** Keyset pagination by reply id: every reply appears on exactly one page. */
  async replies(campaignId: string, query: RepliesQueryDto): Promise<ReplyPageDto> {
    const afterId = query.cursor === undefined ? '0' : replyCursor.decode(query.cursor);
    if (afterId === null) throw new DomainError('invalid', 'cursor is not a cursor this API issued: pass nextCursor from the previous page');
    if (!isUuid(campaignId) || !(await campaignExists(this.dataSource, campaignId))) throw notFound('Campaign', campaignId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await selectReplyPage(this.dataSource, campaignId, afterId, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(toReplyItem), nextCursor: rows.length > limit ? replyCursor.encode(page[page.length - 1].id) : null };
  }
}

function toReplyItem(row: ReplyRow): ReplyItemDto {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    phone: row.phone,
    messageId: row.message_id,
    receivedAt: new Date(row.received_at).toISOString(),
    type: row.type,
    text: row.text,
    button: row.button_kind ? { kind: row.button_kind, payload: row.button_payload, text: row.button_text } : null,
    attribution: row.attribution,
    optOut: row.opt_out,
    variant: row.variant,
  };
}
