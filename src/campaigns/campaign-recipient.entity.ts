import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RecipientStatus } from '../common/recipient-status.js';
import { Campaign } from './campaign.entity.js';
import type { TemplateComponent } from '../whatsapp/types.js';

@Entity('campaign_recipients')
@Index('uq_campaign_recipients_contact', ['campaignId', 'contactId'], { unique: true })
@Index('ix_campaign_recipients_due', ['campaignId', 'nextAttemptAt', 'id'], { where: "status = 'pending'" })
// By id, not lease_until: the confirm before sending sets the lease and stays a HOT update (migration RecipientConfirmHot).
@Index('ix_campaign_recipients_lease', ['id'], { where: "status = 'sending'" })
@Index('ix_campaign_recipients_status', ['campaignId', 'status', 'id'])
@Index('ix_campaign_recipients_sent_at', ['campaignId', 'sentAt'], { where: 'sent_at IS NOT NULL' })
// Reports (src/reports): keyset listing/export by id, waiting groups, error filter, deliveries chart.
@Index('ix_campaign_recipients_campaign_id', ['campaignId', 'id'])
@Index('ix_campaign_recipients_waiting', ['campaignId', 'waitingReason', 'nextAttemptAt'], {
  where: "status = 'pending' AND waiting_reason IS NOT NULL",
})
@Index('ix_campaign_recipients_error', ['campaignId', 'errorCode', 'id'], { where: 'error_code IS NOT NULL' })
@Index('ix_campaign_recipients_delivered_at', ['campaignId', 'deliveredAt'], { where: 'delivered_at IS NOT NULL' })
// Audiences (src/audiences): retargeting those who replied or clicked a button (migration Audiences).
@Index('ix_campaign_recipients_replied', ['campaignId'], { where: 'replied_at IS NOT NULL' })
@Index('ix_campaign_recipients_clicked', ['campaignId', 'clickedButton'], { where: 'clicked_button IS NOT NULL' })
export class CampaignRecipient {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @Column('bigint', { name: 'contact_id' })
  contactId: string;

  /** Frozen at launch: later edits of the contact do not change what this campaign sends. */
  @Column('text')
  phone: string;

  @Column('text', { name: 'wa_id' })
  waId: string;

  /** Template components with placeholders rendered at launch. */
  @Column('jsonb', { nullable: true })
  components: TemplateComponent[] | null;

  @Column('text')
  status: RecipientStatus;

  @Column('text', { name: 'skip_reason', nullable: true })
  skipReason: string | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt: Date;

  /** Why a pending recipient waits (send window, messaging limit, retry), shown in the report. */
  @Column('text', { name: 'waiting_reason', nullable: true })
  waitingReason: string | null;

  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /**
   * The claim that owns a `sending` row: new at every claim and required by every later write of that
   * claim, so a worker whose lease ran out (and whose row was claimed again) can no longer confirm,
   * re-queue, fail or release it.
   */
  @Column('uuid', { name: 'claim_id', nullable: true })
  claimId: string | null;

  /** When the current claim was confirmed for sending (handed to HTTP); NULL: claimed, never sent. */
  @Column('timestamptz', { name: 'dispatched_at', nullable: true })
  dispatchedAt: Date | null;

  @Index('uq_campaign_recipients_message_id', { unique: true, where: 'message_id IS NOT NULL' })
  @Column('text', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('int', { name: 'error_code', nullable: true })
  errorCode: number | null;

  @Column('text', { name: 'error_title', nullable: true })
  errorTitle: string | null;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt: Date | null;

  @Column('timestamptz', { name: 'failed_at', nullable: true })
  failedAt: Date | null;

  /** Per-message pricing from the first status that carried it (billed once per message): category, model, type. */
  @Column('text', { name: 'pricing_category', nullable: true })
  pricingCategory: string | null;

  @Column('text', { name: 'pricing_model', nullable: true })
  pricingModel: string | null;

  @Column('text', { name: 'pricing_type', nullable: true })
  pricingType: string | null;

  @Column('boolean', { nullable: true })
  billable: boolean | null;

  /** WhatsApp's business-scoped user id (recipient_user_id / user_id), when a status named it. */
  @Column('text', { name: 'user_id', nullable: true })
  userId: string | null;

  /** How often WhatsApp's per-user marketing limit (131049) has sent it back to wait: bounded by MARKETING_LIMIT_MAX_RETRIES. */
  @Column('int', { name: 'marketing_limit_retries', default: 0 })
  marketingLimitRetries: number;

  /** When the contact first answered this campaign message (context.id, or attributed by recency). */
  @Column('timestamptz', { name: 'replied_at', nullable: true })
  repliedAt: Date | null;

  /** The first quick-reply / interactive button the contact clicked in answer (payload, else its text). */
  @Column('text', { name: 'clicked_button', nullable: true })
  clickedButton: string | null;

  /** The A/B variant given at launch (campaign `variants`); NULL for a single-template campaign. */
  @Column('text', { nullable: true })
  variant: string | null;

  /** The recipient's own IANA zone, resolved at launch for a recipient-local send window (recipient-zone.ts). */
  @Column('text', { nullable: true })
  timezone: string | null;
  /** The contact opted out (keyword, 131050) after this campaign message: counted in the campaign's engagement.optedOut. */
  @Column('timestamptz', { name: 'opted_out_at', nullable: true })
  optedOutAt: Date | null;
}
