import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { bigintId } from '../common/ids.js';
import { decodeContactCursor, encodeContactCursor } from './contacts-cursor.js';
import { type ContactRecord } from './contacts.queries.js';
import { ContactsRepository } from './contacts.repository.js';
import type { ContactDetailResponse, ContactPageResponse, ContactResponse, ListContactsQuery, OptInBody, OptOutBody, UpdateContactBody } from './dto/contact.dto.js';
import { profileChange } from './contact-profile.js';
import { normalisePhone } from './import/phone.js';
import { phoneFromWaId } from './wa-id.js';

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
    const name = query.name?.trim();
    const namePattern = name ? `%${name.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : undefined;
    const rows = await this.contacts.contactsPage({ afterId: after, limit: limit + 1, listId: query.listId, namePattern });
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

  /** Names, language and attributes; consent and the number are not edited here. */
  async update(id: string, body: UpdateContactBody): Promise<ContactDetailResponse> {
    const change = profileChange(id, body);
    await this.inApiTransaction(async (manager) => {
      await this.find(manager, id);
      await this.contacts.updateProfile(change, manager);
    });
    return this.get(id);
  }

  /** The contact as erasure needs it (inside its transaction); 404 when unknown. */
  findForErasure(manager: EntityManager, id: string): Promise<ContactRecord> {
    return this.find(manager, id);
  }

  /** Runs `work` in a transaction that waits at most API_LOCK_TIMEOUT for a running import (then 409). */
  inContactsTransaction(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    return this.inApiTransaction(work);
  }

  /** Explicit opt-in: the only way an opted-out contact is opted in again. Always recorded. */
  async optIn(id: string, body: OptInBody): Promise<ContactDetailResponse> {
    await this.inApiTransaction(async (manager) => {
      await this.find(manager, id);
      await this.contacts.optIn({ contactId: id, at: new Date(), source: body.source.trim(), proof: body.proof ?? null }, manager);
    });
    return this.get(id);
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
    marketingOptedOutAt: isoOrNull(row.marketing_opted_out_at),
    userId: row.user_id,
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
