import { Injectable } from '@nestjs/common';
import type { TimeIdPosition } from '../common/cursor.js';
import type { Template } from '../whatsapp/types.js';
import type { Audience } from '../audiences/audience.js';
import { Campaign, type CampaignEdit, type CampaignTransition, type DueCampaign, type NewCampaign } from './campaign.entity.js';
import {
  CLAIM_DUE_CAMPAIGNS,
  CLAIM_DUE_WINNER,
  MARK_WINNER_PICKED,
  COMPLETE_FINISHED_CAMPAIGNS,
  MARK_LAUNCH_FAILED,
  MARK_LAUNCHED,
  PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS,
  PAUSE_FOR_TEMPLATE_AT_LAUNCH,
} from './campaigns.queries.js';
import { DataSource, type EntityManager } from 'typeorm';
import type { CampaignVariant, WinnerRule } from './variants.js';

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
  create(input: NewCampaign): Promise<Campaign> {
    const campaigns = this.dataSource.getRepository(Campaign);
    return campaigns.save(campaigns.create(input));
  }

  findById(id: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ id });
  }

  /** The campaign, its row locked (FOR UPDATE) for the rest of the caller's transaction. */
  lockById(id: string, db: EntityManager): Promise<Campaign | null> {
    return db.getRepository(Campaign).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * One page of campaigns, newest first, before `before` (null: the first page). Ordered by creation at
   * millisecond precision (what a Date, and so the cursor, carries), then id: ordering by the full
   * microseconds would skip rows created in the same millisecond as a page's last.
   */
  page(before: TimeIdPosition | null, limit: number): Promise<Campaign[]> {
    const query = this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .orderBy("date_trunc('milliseconds', c.created_at)", 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit);
    if (before) query.where("(date_trunc('milliseconds', c.created_at), c.id) < (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))", before);
    return query.getMany();
  }

  /** Saves an edit of a draft or scheduled campaign locked by the caller (lockById). */
  applyEdit(campaign: Campaign, edit: CampaignEdit, db: EntityManager): Promise<Campaign> {
    return db.getRepository(Campaign).save(Object.assign(campaign, edit));
  }

  /** Saves a user action's transition of a campaign locked by the caller (lockById). */
  applyTransition(campaign: Campaign, transition: CampaignTransition, db: EntityManager): Promise<Campaign> {
    return db.getRepository(Campaign).save(Object.assign(campaign, transition));
  }

  /**
   * Claims the next due campaign for launching (its row locked with SKIP LOCKED until the caller's
   * transaction ends), skipping the ids this instance is backing off from; null when none is due.
   */
  async claimDue(skipping: readonly string[], db: EntityManager): Promise<DueCampaign | null> {
    const rows = await db.query<
      Array<{ id: string; channel_id: string; list_id: string | null; audience: Audience | null; template: Template; skip_template_check: boolean; variants: CampaignVariant[] | null; winner: WinnerRule | null }>
    >(CLAIM_DUE_CAMPAIGNS, [skipping]);
    const due = rows[0];
    return due
      ? {
          id: due.id,
          channelId: due.channel_id,
          listId: due.list_id,
          audience: due.audience,
          template: due.template,
          skipTemplateCheck: due.skip_template_check,
          variants: due.variants,
          winner: due.winner,
        }
      : null;
  }

  /** A running A/B test whose winner is due at `now` (CLAIM_DUE_WINNER), locked for the caller's transaction; null when none. */
  async claimDueWinner(now: Date, db: EntityManager): Promise<{ id: string; channelId: string; variants: CampaignVariant[]; winner: WinnerRule } | null> {
    const rows = await db.query<Array<{ id: string; channel_id: string; variants: CampaignVariant[]; winner: WinnerRule }>>(CLAIM_DUE_WINNER, [now]);
    const due = rows[0];
    return due ? { id: due.id, channelId: due.channel_id, variants: due.variants, winner: due.winner } : null;
  }

  /** Records the picked winner (MARK_WINNER_PICKED). */
  async markWinnerPicked(id: string, variant: string, at: Date, db: EntityManager): Promise<void> {
    await db.query(MARK_WINNER_PICKED, [id, variant, at]);
  }

  /** The audience is frozen: running, launched now (and started, the first time). */
  async markLaunched(id: string, db: EntityManager): Promise<void> {
    await db.query(MARK_LAUNCHED, [id]);
  }

  /** A due campaign (claimed in `db`) whose template failed the launch check: paused with the reason, not launched. */
  async pauseForTemplateAtLaunch(id: string, reason: string, db: EntityManager): Promise<void> {
    await db.query(PAUSE_FOR_TEMPLATE_AT_LAUNCH, [id, reason]);
  }

  /** A campaign whose launch cannot succeed: failed with the reason (only if it was not launched meanwhile). */
  async markLaunchFailed(id: string, reason: string): Promise<void> {
    await this.dataSource.query(MARK_LAUNCH_FAILED, [id, reason]);
  }

  /** Running campaigns with nothing left to send or waiting become completed; returns their ids. */
  async completeFinished(): Promise<string[]> {
    const [rows] = await this.dataSource.query<[Array<{ id: string }>, number]>(COMPLETE_FINISHED_CAMPAIGNS);
    return rows.map((row) => row.id);
  }

  /** Campaigns that would run on a paused channel are paused, naming it; returns them with their reason. */
  async pauseOnPausedChannels(): Promise<Array<{ id: string; pausedReason: string }>> {
    const [rows] = await this.dataSource.query<[Array<{ id: string; paused_reason: string }>, number]>(PAUSE_CAMPAIGNS_ON_PAUSED_CHANNELS);
    return rows.map((row) => ({ id: row.id, pausedReason: row.paused_reason }));
  }

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

  /**
   * 131055 from the Marketing Messages API (in the send answer, or on a failed status webhook in the
   * webhook batch's `db`): the channel's campaigns with a MARKETING template (by the template registry;
   * an A/B test when any variant's template is), and the one that met it, that run or wait to are paused
   * with the reason. Other categories keep going through /messages. Returns their ids.
   */
  async pauseMarketingCampaignsForSendFailure(channelId: string, campaignId: string, reason: string, db?: EntityManager): Promise<string[]> {
    const [rows] = (await (db ?? this.dataSource).query(
      `UPDATE campaigns c SET status = 'paused', paused_reason = $3, updated_at = now()
       WHERE c.channel_id = $1 AND c.status IN ('running', 'scheduled')
         AND (c.id = $2 OR EXISTS (
           SELECT 1 FROM templates t
           WHERE t.channel_id = c.channel_id AND t.category = 'MARKETING'
             AND ((t.name = c.template->>'name' AND t.language = c.template->>'language')
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(c.variants, '[]'::jsonb)) v
                          WHERE t.name = v->'template'->>'name' AND t.language = v->'template'->>'language'))))
       RETURNING c.id`,
      [channelId, campaignId, reason],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  // ·

  // ── Account signals (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * WhatsApp stopped a template (paused, disabled, …): every campaign of the channel that uses it (as
   * its template or as one of its A/B variants') and runs or waits to is paused with the reason, in the
   * caller's transaction. Returns their ids.
   */
  async pauseForTemplate(template: { channelId: string; name: string; language: string }, reason: string, db: EntityManager): Promise<string[]> {
    const [rows] = (await db.query(
      `UPDATE campaigns SET status = 'paused', paused_reason = $4, updated_at = now()
       WHERE channel_id = $1 AND (template->>'name' = $2 AND template->>'language' = $3
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(variants, '[]'::jsonb)) v WHERE v->'template'->>'name' = $2 AND v->'template'->>'language' = $3)) AND status IN ('running', 'scheduled')
       RETURNING id`,
      [template.channelId, template.name, template.language, reason],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /** Something WhatsApp changed about a template (e.g. recategorised as MARKETING), shown on every campaign not yet over that uses it (a variant's too). */
  async noteTemplateChange(template: { channelId: string; name: string; language: string }, notice: string, db: EntityManager): Promise<string[]> {
    const [rows] = (await db.query(
      `UPDATE campaigns SET template_notice = $4, updated_at = now()
       WHERE channel_id = $1 AND (template->>'name' = $2 AND template->>'language' = $3
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(variants, '[]'::jsonb)) v WHERE v->'template'->>'name' = $2 AND v->'template'->>'language' = $3)) AND status NOT IN ('completed', 'cancelled', 'failed')
       RETURNING id`,
      [template.channelId, template.name, template.language, notice],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  // ── Delivery statuses (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * Recipients of these campaigns wait again (131049 on a failed status, after the campaign completed):
   * completed campaigns run again, so the sender takes those recipients when they are due.
   */
  async reopenForRetries(campaignIds: readonly string[], db: EntityManager): Promise<void> {
    if (campaignIds.length === 0) return;
    await db.query(
      `UPDATE campaigns SET status = 'running', completed_at = NULL, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status = 'completed'`,
      [campaignIds],
    );
  }

  // ·
}
