import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ERASE_CONTACT_REPLIES, type InboundReply, RECORD_REPLIES, type RecordedReply } from './replies.queries.js';

/**
 * The only code that writes campaign_replies: inbound messages attributed to campaign messages, for the
 * webhook processor (InboundApplier), in the batch's transaction; and a contact's erasure
 * (ContactErasureService), in its transaction.
 */
@Injectable()
export class RepliesRepository {
  /**
   * Attributes and records inbound messages (RECORD_REPLIES); a message already recorded, or that
   * answers no campaign message, returns nothing. `windowHours`: REPLY_ATTRIBUTION_HOURS.
   */
  async record(replies: readonly InboundReply[], windowHours: number, db: EntityManager): Promise<RecordedReply[]> {
    if (replies.length === 0) return [];
    const column = <K extends keyof InboundReply>(key: K) => replies.map((reply) => reply[key]);
    const rows = (await db.query(RECORD_REPLIES, [
      column('messageId'),
      column('channelId'),
      column('waId'),
      column('at'),
      column('contextId'),
      column('type'),
      column('text'),
      column('buttonKind'),
      column('buttonPayload'),
      column('buttonText'),
      column('optOut'),
      windowHours,
    ])) as Array<{ recipient_id: string; received_at: Date; button: string | null; opt_out: boolean }>;
    return rows.map((row) => ({ recipientId: row.recipient_id, at: new Date(row.received_at), button: row.button, optOut: row.opt_out }));
  }

  /** Erases a contact's personal fields in its replies (ERASE_CONTACT_REPLIES); returns how many replies. */
  async eraseContact(contactId: string, db: EntityManager): Promise<number> {
    const [, erased] = (await db.query(ERASE_CONTACT_REPLIES, [contactId])) as [unknown, number];
    return erased;
  }
}
