import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Status history per message; (message_id, status) unique makes a repeated webhook a no-op. */
@Entity('message_events')
@Index('uq_message_events_message_status', ['messageId', 'status'], { unique: true })
export class MessageEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text')
  status: string;

  @Column('bigint', { name: 'recipient_id', nullable: true })
  recipientId: string | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('int', { name: 'error_code', nullable: true })
  errorCode: number | null;

  @Column('text', { name: 'error_title', nullable: true })
  errorTitle: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
