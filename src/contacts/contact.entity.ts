import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('contacts')
@Check('CHK_contacts_wa_id_is_phone_digits', `"phone" = '+' || "wa_id"`)
@Check('CHK_contacts_opt_in_event_in_row', `NOT "opt_in_event_in_row" OR ("opted_in_at" IS NOT NULL AND "opt_in_source" IS NOT NULL)`)
export class Contact {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** E.164, e.g. +4915112345678. Collation C: ASCII only, compared bytewise (see ContactsPhoneCollationC). */
  @Index('uq_contacts_phone', { unique: true })
  @Column({ type: 'text', collation: 'C' })
  phone: string;

  /**
   * Digits of the E.164 number, as WhatsApp names the user (a CHECK keeps it so). Not indexed: lookups by
   * wa_id probe uq_contacts_phone with '+' || wa_id (contacts/inbound.queries.ts).
   */
  @Column({ type: 'text', name: 'wa_id', collation: 'C' })
  waId: string;

  @Column('text', { name: 'first_name', nullable: true })
  firstName: string | null;

  @Column('text', { name: 'last_name', nullable: true })
  lastName: string | null;

  @Column('text', { nullable: true })
  language: string | null;

  @Column('text', { nullable: true })
  country: string | null;

  @Column('jsonb', { default: () => "'{}'::jsonb" })
  attributes: Record<string, string>;

  @Column('timestamptz', { name: 'opted_in_at', nullable: true })
  optedInAt: Date | null;

  @Column('text', { name: 'opt_in_source', nullable: true })
  optInSource: string | null;

  @Column('text', { name: 'opt_in_proof', nullable: true })
  optInProof: string | null;

  /**
   * The opt-in event of this contact is opted_in_at / opt_in_source / opt_in_proof themselves, not a
   * consent_events row (set by an import on the contacts it creates; see the view consent_history and
   * migration ImportOptInInContactRow). Whoever replaces those columns writes the event out first.
   */
  @Column('boolean', { name: 'opt_in_event_in_row', default: false })
  optInEventInRow: boolean;

  @Column('timestamptz', { name: 'opted_out_at', nullable: true })
  optedOutAt: Date | null;

  @Column('text', { name: 'opt_out_reason', nullable: true })
  optOutReason: string | null;

  /** The person stopped marketing messages (WhatsApp's user_preferences or a 131050): no marketing template reaches them. */
  @Column('timestamptz', { name: 'marketing_opted_out_at', nullable: true })
  marketingOptedOutAt: Date | null;

  /** WhatsApp's business-scoped user id, when a webhook named it. */
  @Column('text', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('timestamptz', { name: 'last_inbound_at', nullable: true })
  lastInboundAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
