import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

import type { ApiGeneration } from '../whatsapp/types.js';

export type { ApiGeneration };

/** The latest account-level event of a channel, in words a person can read. */
export interface AccountEventSummary {
  kind: string;
  event: string;
  summary: string;
  occurredAt: string;
}

@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'phone_number' })
  phoneNumber: string;

  @Column('text', { name: 'api_generation' })
  apiGeneration: ApiGeneration;

  @Column('text', { name: 'base_url' })
  baseUrl: string;

  /** AES-256-GCM: base64 of iv | tag | ciphertext. Never leaves the service layer decrypted. */
  @Column('text', { name: 'api_key_encrypted' })
  apiKeyEncrypted: string;

  @Column('text', { name: 'api_key_last4' })
  apiKeyLast4: string;

  @Column('text', { name: 'template_namespace', nullable: true })
  templateNamespace: string | null;

  @Column('int', { name: 'messages_per_second' })
  messagesPerSecond: number;

  @Column('int', { name: 'messaging_limit', nullable: true })
  messagingLimit: number | null;

  @Column('text', { name: 'webhook_username' })
  webhookUsername: string;

  /** SHA-256 of a 256-bit random password: a slow hash buys nothing at that entropy and costs the receiver. */
  @Column('text', { name: 'webhook_password_hash' })
  webhookPasswordHash: string;

  @Column('timestamptz', { name: 'webhook_registered_at', nullable: true })
  webhookRegisteredAt: Date | null;

  @Column('text', { name: 'paused_reason', nullable: true })
  pausedReason: string | null;

  /** Set after a throttling answer: the sender runs at a fraction of the rate until then. */
  @Column('timestamptz', { name: 'throttled_until', nullable: true })
  throttledUntil: Date | null;

  /** When the template registry was last synced from 360dialog (null: never). */
  @Column('timestamptz', { name: 'templates_synced_at', nullable: true })
  templatesSyncedAt: Date | null;

  /** GREEN, YELLOW, RED, FLAGGED… as the last quality webhook said (null: never told). */
  @Column('text', { name: 'quality_rating', nullable: true })
  qualityRating: string | null;

  /** The messaging limit WhatsApp last announced (quality or capability webhook); null: none, or unlimited. */
  @Column('int', { name: 'whatsapp_messaging_limit', nullable: true })
  whatsappMessagingLimit: number | null;

  /** The latest account, quality or capability event, as shown on the channel. */
  @Column('jsonb', { name: 'last_account_event', nullable: true })
  lastAccountEvent: AccountEventSummary | null;

  /** MARKETING templates go to POST {baseUrl}/marketing_messages (Meta's Marketing Messages API); others to /messages. */
  @Column('boolean', { name: 'marketing_messages_api', default: false })
  marketingMessagesApi: boolean;

  /** On 131055 (not eligible / terms not accepted) send through /messages instead of pausing the marketing campaigns. */
  @Column('boolean', { name: 'marketing_messages_fallback', default: false })
  marketingMessagesFallback: boolean;

  /** The channel's id at 360dialog's Partner API (key rotation); null: not managed through it. */
  @Column('text', { name: 'partner_channel_id', nullable: true })
  partnerChannelId: string | null;

  /**
   * The status-webhook watermark (migration StatusesSeenThrough): the latest dispatch time of a message
   * of this channel a status webhook was applied for; null: none yet. Written only by
   * ChannelsRepository.advanceStatusWatermarks; read by the sender's claim (unknown outcomes).
   */
  @Column('timestamptz', { name: 'statuses_seen_through', nullable: true, select: false })
  statusesSeenThrough?: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** What creating a channel stores (ChannelsRepository.create): every column but the id and times the database sets. */
export type NewChannel = Omit<Channel, 'id' | 'createdAt' | 'updatedAt' | 'templatesSyncedAt' | 'qualityRating' | 'whatsappMessagingLimit' | 'lastAccountEvent'>;

/** The columns an edit through the API may change (PATCH /v1/channels/:id); absent ones stay as they are. */
export type ChannelEdit = Partial<
  Pick<Channel, 'name' | 'apiKeyEncrypted' | 'apiKeyLast4' | 'baseUrl' | 'messagesPerSecond' | 'messagingLimit' | 'templateNamespace' | 'pausedReason'>
> &
  Partial<Pick<Channel, 'marketingMessagesApi' | 'marketingMessagesFallback' | 'partnerChannelId'>>;

/** A channel's webhook credentials as the receiver checks them. */
export type ChannelWebhookCredentials = Pick<Channel, 'id' | 'webhookUsername' | 'webhookPasswordHash'>;
