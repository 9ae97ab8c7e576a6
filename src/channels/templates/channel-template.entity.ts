import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TemplateComponentSpec } from '../../whatsapp/templates.js';
import { Channel } from '../channel.entity.js';

/**
 * A channel's message template as WhatsApp last told us: synced from 360dialog's template list, and
 * updated by `message_template_status_update` / `template_category_update` webhooks between syncs.
 */
@Entity('templates')
@Index('uq_templates_channel_name_language', ['channelId', 'name', 'language'], { unique: true })
export class ChannelTemplate {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  @ManyToOne(() => Channel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'channel_id' })
  channel?: Channel;

  @Column('text')
  name: string;

  @Column('text')
  language: string;

  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … (upper case). */
  @Column('text')
  status: string;

  /** MARKETING, UTILITY, AUTHENTICATION. */
  @Column('text', { nullable: true })
  category: string | null;

  @Column('text', { name: 'parameter_format', default: 'POSITIONAL' })
  parameterFormat: string;

  @Column('text', { nullable: true })
  namespace: string | null;

  /** Per component, the parameters a send must carry (whatsapp/templates.ts). */
  @Column('jsonb', { default: () => "'[]'::jsonb" })
  components: TemplateComponentSpec[];

  /** Meta's message_template_id, when a webhook or the list named it. */
  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  /** Meta's reason for the last status change (e.g. LOW_QUALITY), from the webhook. */
  @Column('text', { name: 'status_reason', nullable: true })
  statusReason: string | null;

  @Column('timestamptz', { name: 'synced_at' })
  syncedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
