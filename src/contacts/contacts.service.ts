import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { bigintId } from '../common/ids.js';
import { decodeContactCursor, encodeContactCursor } from './contacts-cursor.js';
import { type ContactRecord, OPT_OUT_BY_PHONE, RECORD_INBOUND } from './contacts.queries.js';
import { ContactsRepository } from './contacts.repository.js';
import type { ContactDetailResponse, ContactPageResponse, ContactResponse, ListContactsQuery, OptInBody, OptOutBody } from './dto/contact.dto.js';
import { normalisePhone } from './import/phone.js';

export interface InboundOptOut {
  /** WhatsApp id (digits) or a phone number in international format (+…, 00…). */
  waId: string;
  /** When the contact asked to stop (the inbound message's timestamp). */
  occurredAt: Date;
  /** Stored on the contact, e.g. 'inbound keyword "STOP"'. */
  reason: string;
  /** Evidence, e.g. the message id and text as JSON. */
  proof?: string | null;
  /** consent_events.source; default 'inbound_keyword'. */
  source?: string;
}

export interface OptOutOutcome {
  contactId: string;
  phone: string;
  /** The number was not a contact: it is now recorded as an opted-out contact (opted-out-unknown). */
  created: boolean;
}

export interface InboundMessage {
  /** WhatsApp id (digits) or a phone number in international format. */
  waId: string;
  at: Date;
}

const DEFAULT_LIMIT = 50;
/** Contacts are locked by a running import (SHARE ROW EXCLUSIVE): an API opt-in/out waits at most this long. */
const API_LOCK_TIMEOUT = '20s';

@Injectable()
export class ContactsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactsRepository,
  ) {}

  async list(query: ListContactsQuery): Promise<ContactPageResponse> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (query.phone !== undefined) {
      const phone = this.phoneForLookup(query.phone, query.country);
      if (phone === null) return { items: [], nextCursor: null };
      const contact = await this.contacts.findContactByPhone(phone, query.listId);
      return { items: contact ? [toContactResponse(contact)] : [], nextCursor: null };
    }
    let after = '0';
    if (query.cursor !== undefined) {
      const decoded = decodeContactCursor(query.cursor);
      if (decoded === null) throw new DomainError('invalid', 'cursor is not a cursor from this listing: pass nextCursor as it was returned');
      after = decoded;
    }
    const rows = await this.contacts.contactsPage({ afterId: after, limit: limit + 1, listId: query.listId });
    const items = rows.slice(0, limit).map(toContactResponse);
    return { items, nextCursor: rows.length > limit ? encodeContactCursor(items[items.length - 1].id) : null };
  }

  async get(id: string): Promise<ContactDetailResponse> {
    const contact = await this.find(this.dataSource.manager, id);
    const [listIds, events] = await Promise.all([this.contacts.listIdsOf(id), this.contacts.consentHistory(id)]);
    return {
      ...toContactResponse(contact),
      listIds,
      consentHistory: events.map((event) => ({ kind: event.kind, source: event.source, proof: event.proof, occurredAt: iso(event.occurred_at) })),
    };
  }

  /** Explicit opt-out. Idempotent: an opted-out contact keeps its first opt-out (and no new event). */
  async optOut(id: string, body: OptOutBody): Promise<ContactDetailResponse> {
    await this.inApiTransaction(async (manager) => {
      await this.find(manager, id);
      await this.contacts.optOut({ contactId: id, at: new Date(), reason: body.reason?.trim() || 'opted out via API', source: 'api', proof: body.proof ?? null }, manager);
    });
    return this.get(id);
  }

  /** Explicit opt-in: the only way an opted-out contact is opted in again. Always recorded. */
  async optIn(id: string, body: OptInBody): Promise<ContactDetailResponse> {
    await this.inApiTransaction(async (manager) => {
      await this.find(manager, id);
      await this.contacts.optIn({ contactId: id, at: new Date(), source: body.source.trim(), proof: body.proof ?? null }, manager);
    });
    return this.get(id);
  }

  /**
   * Opts contacts out by WhatsApp id (inbound STOP), a batch at a time, inside the caller's
   * transaction when `manager` is given. Known contacts not yet opted out are opted out; a number
   * that is not a contact is recorded as an opted-out contact ("opted-out-unknown"), so that no
   * later import can message it. Each change gets a consent event (source, proof, occurredAt). A
   * number appearing twice in the batch counts once (its earliest request). Already opted out:
   * untouched. Values that are not a phone number (fewer than 6 or more than 15 digits) are ignored.
   * While an import runs, this waits for it to commit (the import locks contacts against writers).
   */
  async optOutByWaId(requests: readonly InboundOptOut[], manager?: EntityManager): Promise<OptOutOutcome[]> {
    const valid = requests.flatMap((request) => {
      const phone = phoneFromWaId(request.waId);
      return phone ? [{ ...request, phone }] : [];
    });
    if (valid.length === 0) return [];
    const rows: Array<{ id: string; phone: string; created: boolean }> = await (manager ?? this.dataSource.manager).query(OPT_OUT_BY_PHONE, [
      valid.map((request) => request.phone),
      valid.map((request) => request.occurredAt),
      valid.map((request) => request.reason),
      valid.map((request) => request.source ?? 'inbound_keyword'),
      valid.map((request) => request.proof ?? null),
      valid.map((request) => countryOf(request.phone)),
    ]);
    return rows.map((row) => ({ contactId: row.id, phone: row.phone, created: row.created }));
  }

  /**
   * Records inbound messages: last_inbound_at (the 24 h service window) moves forward to the latest
   * message per number. Unknown numbers are ignored. Batch-friendly; inside the caller's transaction
   * when `manager` is given. Returns the ids of the contacts updated.
   */
  async recordInbound(messages: readonly InboundMessage[], manager?: EntityManager): Promise<string[]> {
    const valid = messages.flatMap((message) => {
      const phone = phoneFromWaId(message.waId);
      return phone ? [{ phone, at: message.at }] : [];
    });
    if (valid.length === 0) return [];
    const rows: Array<{ id: string }> = await (manager ?? this.dataSource.manager).query(RECORD_INBOUND, [
      valid.map((message) => message.phone),
      valid.map((message) => message.at),
    ]);
    return rows.map((row) => row.id);
  }

  private phoneForLookup(raw: string, country: string | undefined): string | null {
    const parsed = normalisePhone(raw, { defaultCountry: country });
    if (parsed.ok) return parsed.value.phone;
    // Not valid per the metadata but perhaps stored anyway (an opted-out-unknown number): look it up as
    // typed when it is international; a national number without a usable country finds nothing.
    const text = raw.trim();
    return text.startsWith('0') && !text.startsWith('00') ? null : phoneFromWaId(text);
  }

  private async find(manager: EntityManager, id: string): Promise<ContactRecord> {
    if (!bigintId(id)) throw new DomainError('not_found', `Contact ${id} not found`);
    const contact = await this.contacts.findContact(id, manager);
    if (!contact) throw new DomainError('not_found', `Contact ${id} not found`);
    return contact;
  }

  private async inApiTransaction(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL lock_timeout = '${API_LOCK_TIMEOUT}'`);
        await work(manager);
      });
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new DomainError('conflict', 'An import is writing contacts right now: try again when it has finished');
      }
      throw error;
    }
  }
}

/** "4915112345678", "+49 151 12345678" or "004915112345678" → "+4915112345678"; null if not 6–15 digits. */
export function phoneFromWaId(waId: string): string | null {
  let digits = waId.replace(/\D/g, '');
  if (waId.trim().startsWith('00')) digits = digits.slice(2);
  return /^[1-9]\d{5,14}$/.test(digits) ? `+${digits}` : null;
}

function countryOf(phone: string): string | null {
  const parsed = normalisePhone(phone);
  return parsed.ok ? parsed.value.country : null;
}

export function toContactResponse(row: ContactRecord): ContactResponse {
  return {
    id: row.id,
    phone: row.phone,
    waId: row.wa_id,
    firstName: row.first_name,
    lastName: row.last_name,
    language: row.language,
    country: row.country,
    attributes: row.attributes ?? {},
    optedIn: row.opted_in_at !== null && row.opted_out_at === null,
    optedInAt: isoOrNull(row.opted_in_at),
    optInSource: row.opt_in_source,
    optInProof: row.opt_in_proof,
    optedOutAt: isoOrNull(row.opted_out_at),
    optOutReason: row.opt_out_reason,
    lastInboundAt: isoOrNull(row.last_inbound_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

export function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}
