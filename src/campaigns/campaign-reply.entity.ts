import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An inbound message attributed to a campaign message (migration CampaignRepliesAndVariants): by its
 * `context.id` (attribution `context`) or as the latest campaign message to that person on that channel
 * within REPLY_ATTRIBUTION_HOURS (`recent`). Written only by RepliesRepository.
 */
@Entity('campaign_replies')
@Index('ix_campaign_replies_campaign_id', ['campaignId', 'id'])
@Index('ix_campaign_replies_recipient_id', ['recipientId'])
export class CampaignReply {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @Column('bigint', { name: 'recipient_id' })
  recipientId: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  /** The inbound message's id: unique, so a redelivered webhook records nothing twice. */
  @Index('uq_campaign_replies_message_id', { unique: true })
  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text', { name: 'wa_id' })
  waId: string;

  @Column('text')
  phone: string;

  /** WhatsApp message type: text, button, interactive, image, … */
  @Column('text')
  type: string;

  @Column('text', { nullable: true })
  text: string | null;

  /** quick_reply, button_reply or list_reply when a button was tapped. */
  @Column('text', { name: 'button_kind', nullable: true })
  buttonKind: string | null;

  @Column('text', { name: 'button_payload', nullable: true })
  buttonPayload: string | null;

  @Column('text', { name: 'button_text', nullable: true })
  buttonText: string | null;

  @Column('text')
  attribution: 'context' | 'recent';

  /** The message was an opt-out keyword. */
  @Column('boolean', { name: 'opt_out', default: false })
  optOut: boolean;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
