import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type InboxState = 'pending' | 'processed' | 'rejected' | 'parked';

/** Every webhook body, stored before it is acknowledged. */
@Entity('webhook_inbox')
@Index('ix_webhook_inbox_due', ['nextAttemptAt', 'id'], { where: "state = 'pending'" })
/** Parked items: counted for /metrics and re-driven by an operator, without scanning the whole inbox. */
@Index('ix_webhook_inbox_parked', ['id'], { where: "state = 'parked'" })
export class WebhookInboxItem {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'channel_id' })
  channelId: string;

  /** The raw body as received (text: a body that is not JSON is kept too, as rejected). */
  @Column('text')
  body: string;

  @Column('text', { default: 'pending' })
  state: InboxState;

  @Column('timestamptz', { name: 'received_at', default: () => 'now()' })
  receivedAt: Date;

  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;
}
