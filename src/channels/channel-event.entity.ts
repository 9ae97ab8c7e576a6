import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Channel } from './channel.entity.js';

/**
 * What WhatsApp said about a channel rather than a message: account, quality and capability updates,
 * errors at webhook-value level (no message id), template events. A history, shown on the channel.
 */
@Entity('channel_events')
@Index('ix_channel_events_channel', ['channelId', 'id'])
export class ChannelEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @ManyToOne(() => Channel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id' })
  channel?: Channel;

  /** account_update, phone_quality, business_capability, template_status, template_category, value_error, … */
  @Column('text')
  kind: string;

  /** The event as read (whatsapp/account-events.ts), for people to read. */
  @Column('jsonb')
  detail: Record<string, unknown>;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt: Date;
}
