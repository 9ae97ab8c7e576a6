import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../channels/channel.entity.js';
import { ContactList } from '../contacts/list.entity.js';
import type { CampaignStatus } from './campaign-transitions.js';
import type { FrequencyCap } from './frequency-cap.js';
import type { SendWindow } from './send-window.js';
import type { Template } from '../whatsapp/types.js';
import type { Audience } from '../audiences/audience.js';
import type { CampaignVariant, WinnerRule } from './variants.js';



@Entity('campaigns')
@Index('ix_campaigns_due', ['scheduledAt'], { where: "status = 'scheduled'" })
// A campaign reaches a list or an audience (migration Audiences).
@Check('ck_campaigns_list_or_audience', '"list_id" IS NOT NULL OR "audience" IS NOT NULL')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @ManyToOne(() => Channel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'channel_id' })
  channel?: Channel;

  /** The one list a campaign reaches (shorthand for an audience of one list); null when `audience` is set. */
  @Column('uuid', { name: 'list_id', nullable: true })
  listId: string | null;

  @ManyToOne(() => ContactList, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'list_id' })
  list?: ContactList;

  /** Whom the campaign reaches, when not one list (audiences/audience.ts); evaluated at launch. */
  @Column('jsonb', { nullable: true })
  audience: Audience | null;

  @Column('jsonb')
  template: Template;

  @Column('timestamptz', { name: 'scheduled_at', nullable: true })
  scheduledAt: Date | null;

  @Column('jsonb', { name: 'send_window', nullable: true })
  sendWindow: SendWindow | null;

  @Column('text')
  status: CampaignStatus;

  @Column('text', { name: 'paused_reason', nullable: true })
  pausedReason: string | null;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason: string | null;

  /** The explicit escape for offline set-ups: no check against the template registry. */
  @Column('boolean', { name: 'skip_template_check', default: false })
  skipTemplateCheck: boolean;

  /** After this, nothing of the campaign is sent any more (131049 retries stop); default scheduledAt + 7 days. */
  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil: Date | null;

  /** Something WhatsApp changed about the template while the campaign exists (e.g. recategorised as MARKETING). */
  @Column('text', { name: 'template_notice', nullable: true })
  templateNotice: string | null;

  /** Meta's message_send_ttl_seconds for sends through the Marketing Messages API (12 h to 30 days); null: Meta's default. */
  @Column('int', { name: 'ttl_seconds', nullable: true })
  ttlSeconds: number | null;
  /** The campaign's own frequency cap for MARKETING templates; null: MARKETING_FREQUENCY_CAP applies. */
  @Column('jsonb', { name: 'frequency_cap', nullable: true })
  frequencyCap: FrequencyCap | null;

  /** Set once the audience has been frozen into campaign_recipients. */
  @Column('timestamptz', { name: 'launched_at', nullable: true })
  launchedAt: Date | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** A/B test (variants.ts): each recipient gets one of these templates; `template` then mirrors the first. */
  @Column('jsonb', { nullable: true })
  variants: CampaignVariant[] | null;

  /** Send the test share first, then the best variant to the rest (variants.ts). */
  @Column('jsonb', { nullable: true })
  winner: WinnerRule | null;

  @Column('text', { name: 'winner_variant', nullable: true })
  winnerVariant: string | null;

  @Column('timestamptz', { name: 'winner_picked_at', nullable: true })
  winnerPickedAt: Date | null;
}

/** What creating a campaign stores (CampaignsRepository.create). */
export type NewCampaign = Pick<Campaign, 'name' | 'channelId' | 'listId' | 'audience' | 'template' | 'sendWindow' | 'scheduledAt' | 'status'> &
  Partial<Pick<Campaign, 'skipTemplateCheck' | 'validUntil' | 'ttlSeconds' | 'frequencyCap' | 'variants' | 'winner'>>;

/** The fields an edit of a draft or scheduled campaign may change; absent ones stay as they are. */
export type CampaignEdit = Partial<
  Pick<Campaign, 'name' | 'channelId' | 'listId' | 'audience' | 'template' | 'sendWindow' | 'skipTemplateCheck' | 'validUntil' | 'ttlSeconds' | 'frequencyCap' | 'variants'>
>;

/** A user action's change: the new status and the fields the action sets. */
export type CampaignTransition = Pick<Campaign, 'status'> & Partial<Pick<Campaign, 'scheduledAt' | 'pausedReason' | 'cancelledAt' | 'completedAt'>>;

/** A due campaign the scheduler has claimed (its row locked) for launching. */
export type DueCampaign = Pick<Campaign, 'id' | 'channelId' | 'listId' | 'audience' | 'template' | 'skipTemplateCheck'> & Partial<Pick<Campaign, 'variants' | 'winner'>>;
