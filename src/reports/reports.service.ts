import { Injectable, Logger } from '@nestjs/common';
import { PassThrough, Readable, pipeline } from 'node:stream';
import { DataSource } from 'typeorm';
import { csvLine } from '../common/csv-escape.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { RECIPIENT_STATUSES } from '../common/recipient-status.js';
import type {
  CampaignReportDto,
  RecipientFilterQueryDto,
  RecipientItemDto,
  RecipientPageDto,
  RecipientsQueryDto,
  ReportCountsDto,
  TimeseriesDto,
  TimeseriesQueryDto,
} from './dto/report.dto.js';
import { decodeCursor, encodeCursor } from './report-cursor.js';
import { downloadGrantKey, GRANT_TTL_SECONDS, signDownloadGrant, verifyDownloadGrant } from './download-grant.js';
import { bucketStart, chooseBucket, estimateCompletion, SEND_RATE_WINDOW_SECONDS, sendRate, summariseCounters } from './report-math.js';
import {
  campaignExists,
  CSV_COLUMNS,
  type RecipientFilter,
  type CsvRow,
  type RecipientRow,
  selectCsvBatch,
  selectRecipientPage,
  selectReport,
  selectSeries,
  selectSeriesBounds,
} from './reports.queries.js';
import { isUuid } from '../common/ids.js';
import { isCharged } from '../pricing/rate-plan.js';
import { formatMicros } from '../pricing/money.js';
import { CostService } from './cost.service.js';
import { EngagementService } from './engagement.service.js';

const DEFAULT_PAGE_SIZE = 100;
const CSV_BATCH_SIZE = 5000;

const iso = (value: Date | string | null | undefined): string | null => (value ? new Date(value).toISOString() : null);

@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  private readonly grantKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
    private readonly cost: CostService,
    private readonly engagement: EngagementService,
  ) {
    this.grantKey = downloadGrantKey(config.encryptionKey);
  }

  /** The delivery report (docs/api.md § Delivery report), from counters and index endpoints only. */
  async report(campaignId: string): Promise<CampaignReportDto> {
    const row = isUuid(campaignId) ? await selectReport(this.dataSource, campaignId, SEND_RATE_WINDOW_SECONDS) : null;
    if (!row) throw notFound('Campaign', campaignId);

    const summary = summariseCounters(row.counters);
    const now = new Date(row.now);
    const firstSentAt = row.first_sent_at ? new Date(row.first_sent_at) : null;
    const rate = sendRate({ recentSends: Number(row.recent_sends), now, firstSentAt });
    const eta = estimateCompletion({
      status: row.status,
      remaining: (summary.counts.pending ?? 0) + (summary.counts.sending ?? 0),
      perSecond: rate.perSecond,
      now,
    });
    const nextAttemptByReason = new Map(row.waiting.map((waiting) => [waiting.reason, waiting.nextAttemptAt]));
    const { engagement, variants, abTest } = await this.engagement.forReport(row.id, summary.reached.delivered);

    return {
      campaignId: row.id,
      name: row.name,
      status: row.status,
      pausedReason: row.paused_reason,
      failureReason: row.failure_reason,
      templateNotice: row.template_notice,
      total: summary.total,
      counts: summary.counts as unknown as ReportCountsDto,
      reached: summary.reached,
      errors: summary.errors,
      timeline: {
        scheduledAt: iso(row.scheduled_at),
        startedAt: iso(row.started_at),
        firstSentAt: iso(firstSentAt),
        lastSentAt: iso(row.last_sent_at),
        completedAt: iso(row.completed_at),
        cancelledAt: iso(row.cancelled_at),
      },
      sendRate: rate,
      eta: eta && { remaining: eta.remaining, secondsRemaining: eta.secondsRemaining, completesAt: iso(eta.completesAt) },
      waiting: summary.waiting.map((waiting) => ({
        reason: waiting.reason,
        count: waiting.count,
        nextAttemptAt: iso(nextAttemptByReason.get(waiting.reason)),
      })),
      generatedAt: now.toISOString(),
      cost: await this.cost.reportCost(row.id),
      engagement,
      variants,
      abTest,
    };
  }

  /** Keyset pagination by id: every recipient appears on exactly one page, whatever moves meanwhile. */
  async recipients(campaignId: string, query: RecipientsQueryDto): Promise<RecipientPageDto> {
    const filter = this.filter(query);
    const afterId = query.cursor === undefined ? '0' : decodeCursor(query.cursor);
    if (afterId === null) throw new DomainError('invalid', 'cursor is not a cursor this API issued: pass nextCursor from the previous page');
    await this.requireCampaign(campaignId);

    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await selectRecipientPage(this.dataSource, campaignId, afterId, filter, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toRecipientItem),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /**
   * Every recipient as CSV, streamed in keyset batches of CSV_BATCH_SIZE rows (memory stays flat at
   * any campaign size; no long transaction is held). Cells are escaped against formula injection,
   * then quoted (csvLine). Checks the campaign before the first byte so a 404 is still JSON.
   */
  async csv(campaignId: string, query: RecipientFilterQueryDto): Promise<Readable> {
    const filter = this.filter(query);
    await this.requireCampaign(campaignId);
    const source = Readable.from(this.csvChunks(campaignId, filter), { objectMode: false, highWaterMark: 1 });
    const output = new PassThrough({ highWaterMark: 256 * 1024 });
    pipeline(source, output, (error) => {
      if (error && error.name !== 'AbortError' && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.error(`CSV export of campaign ${campaignId} failed: ${error.message}`);
      }
    });
    return output;
  }

  /**
   * Header, then one chunk per batch. The next batch is requested as soon as the current one has
   * arrived (its last id is the next keyset start), so Postgres reads batch n+1 while this process
   * formats batch n; at most two batches are in memory.
   */
  private async *csvChunks(campaignId: string, filter: RecipientFilter): AsyncGenerator<string> {
    yield csvLine(CSV_COLUMNS);
    const fetch = (afterId: string): Promise<CsvRow[]> => selectCsvBatch(this.dataSource, campaignId, afterId, filter, CSV_BATCH_SIZE);
    let pending: Promise<CsvRow[]> | null = fetch('0');
    try {
      while (pending) {
        const rows: CsvRow[] = await pending;
        pending = rows.length === CSV_BATCH_SIZE ? fetch(String(rows[rows.length - 1].id)) : null;
        let chunk = '';
        for (const row of rows) {
          row.price = this.priceCell(row);
          chunk += csvLine(CSV_COLUMNS.map((column) => row[column]));
        }
        if (chunk) yield chunk;
      }
    } finally {
      // The client went away mid-export: let the batch in flight finish quietly.
      pending?.catch(() => undefined);
    }
  }

  /** The CSV's price: the card's price of a charged message, 0.00 for one that is not charged, empty when unknown (no pricing yet, or none on the card). */
  private priceCell(row: CsvRow): string {
    if (row.pricing_category === null || row.pricing_category === '') return '';
    const billable = row.billable === 'true' ? true : row.billable === 'false' ? false : null;
    const pricing = { category: String(row.pricing_category), type: row.pricing_type === null ? null : String(row.pricing_type), billable };
    if (!isCharged(pricing)) return formatMicros(0);
    const price = this.cost.unitPrice(String(row.wa_id), pricing.category);
    return price === null ? '' : formatMicros(price);
  }

  /**
   * A link the report page navigates to, so the browser streams the CSV to disk instead of holding it
   * as a Blob: the page cannot put its API token on a link, so the link carries a grant for this
   * campaign's full export that expires after GRANT_TTL_SECONDS (download-grant.ts).
   */
  async downloadLink(campaignId: string): Promise<{ url: string; expiresAt: string }> {
    await this.requireCampaign(campaignId);
    const id = campaignId.toLowerCase();
    const expires = Math.floor(Date.now() / 1000) + GRANT_TTL_SECONDS;
    const grant = signDownloadGrant(this.grantKey, id, expires);
    return { url: `/campaigns/${id}/report.csv?grant=${encodeURIComponent(grant)}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** The full export for a download link; a missing, altered or expired grant is a 401. */
  async csvForGrant(campaignId: string, grant: string | undefined): Promise<Readable> {
    const verdict = grant === undefined ? 'malformed' : verifyDownloadGrant(this.grantKey, campaignId, grant, Math.floor(Date.now() / 1000));
    if (verdict !== 'ok') {
      throw new DomainError(
        'unauthorized',
        verdict === 'expired'
          ? 'This download link has expired: download again from the report page'
          : 'Not a valid download link: download from the report page, or call /v1/campaigns/:id/report.csv with the API token',
      );
    }
    return this.csv(campaignId, {});
  }

  /** Sends and deliveries per bucket, read from the sent_at / delivered_at indexes. */
  async timeseries(campaignId: string, query: TimeseriesQueryDto): Promise<TimeseriesDto> {
    await this.requireCampaign(campaignId);
    const bounds = await selectSeriesBounds(this.dataSource, campaignId);
    const times = [bounds.first_sent_at, bounds.last_sent_at, bounds.first_delivered_at, bounds.last_delivered_at]
      .filter((value): value is Date => value !== null)
      .map((value) => new Date(value).getTime());
    const span = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
    const bucket = chooseBucket(span, query.bucket);
    const from = query.from ? bucketStart(new Date(query.from), bucket) : null;

    const [sent, delivered] = await Promise.all([
      selectSeries(this.dataSource, campaignId, 'sent_at', bucket, from),
      selectSeries(this.dataSource, campaignId, 'delivered_at', bucket, from),
    ]);
    const points = new Map<number, { t: string; sent: number; delivered: number }>();
    const point = (t: Date) => {
      const key = new Date(t).getTime();
      let found = points.get(key);
      if (!found) points.set(key, (found = { t: new Date(key).toISOString(), sent: 0, delivered: 0 }));
      return found;
    };
    for (const row of sent) point(row.t).sent = row.n;
    for (const row of delivered) point(row.t).delivered = row.n;
    return {
      campaignId,
      bucket,
      from: iso(from),
      items: [...points.entries()].sort(([a], [b]) => a - b).map(([, value]) => value),
    };
  }

  private filter(query: RecipientFilterQueryDto): RecipientFilter {
    if (query.status !== undefined && !(RECIPIENT_STATUSES as readonly string[]).includes(query.status)) {
      throw new DomainError('invalid', `status must be one of: ${RECIPIENT_STATUSES.join(', ')} (got "${query.status}")`, {
        allowed: [...RECIPIENT_STATUSES],
      });
    }
    return { status: query.status, errorCode: query.errorCode };
  }

  private async requireCampaign(campaignId: string): Promise<void> {
    if (!isUuid(campaignId) || !(await campaignExists(this.dataSource, campaignId))) throw notFound('Campaign', campaignId);
  }
}


function toRecipientItem(row: RecipientRow): RecipientItemDto {
  return {
    id: String(row.id),
    contactId: String(row.contact_id),
    phone: row.phone,
    status: row.status,
    messageId: row.message_id,
    errorCode: row.error_code,
    errorTitle: row.error_title,
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
    readAt: iso(row.read_at),
    failedAt: iso(row.failed_at),
    skipReason: row.skip_reason,
    waitingReason: row.waiting_reason,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    attempts: row.attempts,
    pricing: row.pricing_category || row.pricing_model || row.pricing_type || row.billable !== null
      ? { category: row.pricing_category, model: row.pricing_model, type: row.pricing_type, billable: row.billable }
      : null,
    userId: row.user_id,
    repliedAt: iso(row.replied_at),
    clickedButton: row.clicked_button,
    variant: row.variant,
  };
}
