import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';

/**
 * The only code that writes campaigns.
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Create, edit, user actions and the scheduler (campaigns/) ──
  // (methods of this section go below this line)

  // ·

  // ── Pauses decided by the sender (sender/) ──
  // (methods of this section go below this line)

  /** 360dialog refused something about this campaign (a paused template…): paused with the reason, if it still runs or waits to. */
  async pauseForSendFailure(campaignId: string, reason: string, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource).query(
      `UPDATE campaigns SET status = 'paused', paused_reason = $2, updated_at = now()
       WHERE id = $1 AND status IN ('running', 'scheduled')`,
      [campaignId, reason],
    );
  }

  /** The channel is unusable: every campaign of it that runs or waits to is paused with the reason (with the channel, in `db`). */
  async pauseChannelCampaignsForSendFailure(channelId: string, reason: string, db: EntityManager): Promise<void> {
    await db.query(
      `UPDATE campaigns SET status = 'paused', paused_reason = $2, updated_at = now()
       WHERE channel_id = $1 AND status IN ('running', 'scheduled')`,
      [channelId, reason],
    );
  }

  // ·
}
