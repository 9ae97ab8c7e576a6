import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Business-initiated conversations per channel and user: the moving-24 h count that Meta's messaging
 * limit caps. A row is (re)stamped when a claim would open a new conversation with that user.
 */
@Entity('channel_conversations')
@Index('ix_channel_conversations_started', ['channelId', 'startedAt'])
export class ChannelConversation {
  @PrimaryColumn('uuid', { name: 'channel_id' })
  channelId: string;

  @PrimaryColumn('text', { name: 'wa_id' })
  waId: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;
}
