import { Injectable } from '@nestjs/common';
import {
  DELETE_CONTACT,
  DELETE_CONTACT_CONSENT_EVENTS,
  DELETE_CONTACT_MEMBERSHIPS,
  REMEMBER_ERASED_OPT_OUT,
  UPDATE_CONTACT_PROFILE,
} from './erasure.queries.js';
import {
  CONTACT_BY_ID,
  CONTACT_BY_PHONE,
  CONTACT_BY_PHONE_IN_LIST,
  CONTACT_CONSENT_EVENTS,
  CONTACT_LIST_IDS,
  type ConsentEventRecord,
  type ContactOptIn,
  type ContactOptOut,
  type ContactPageQuery,
  type ContactRecord,
  CONTACTS_PAGE,
  LIST_BY_ID,
  LIST_CONTACTS_PAGE,
  type ListPosition,
  type ListRecord,
  LISTS_PAGE,
  OPT_IN_CONTACT,
  OPT_OUT_CONTACT,
} from './contacts.queries.js';
import { DataSource, type EntityManager } from 'typeorm';
import { normalisePhone } from './import/phone.js';
import { waIdDigits } from './wa-id.js';
import {
  type InboundTouch,
  type KeywordOptOut,
  type KeywordOptOutOutcome,
  type KeywordOptOutRow,
  MARKETING_OPT_OUT,
  OPT_OUT_BY_KEYWORD,
  RECORD_MARKETING_RESUME,
  TOUCH_LAST_INBOUND,
} from './inbound.queries.js';

/** A marketing preference WhatsApp reported for a person (user_preferences, or a 131050). */
export interface MarketingPreference {
  /** WhatsApp id (digits). */
  waId: string;
  at: Date;
  /** consent_events.source, e.g. 'whatsapp_user_preferences' or 'whatsapp_error_131050'. */
  source: string;
  /** Evidence as JSON text (message id, webhook detail). */
  proof: string | null;
}

/** A PATCH of a contact: null keeps a field, '' clears it. */
export interface ContactProfileChange {
  contactId: string;
  firstName: string | null;
  lastName: string | null;
  language: string | null;
  setAttributes: Record<string, string> | null;
  removeAttributes: string[];
}

/**
 * The only code that writes contacts, list_members, lists and consent_events outside an import's own transaction (contacts/import/), and contact_erasures (erasure).
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class ContactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── API: opt-in, opt-out, lists (contacts/) ──
  // (methods of this section go below this line)
  /** One page of contacts by id, after `afterId`: all contacts, or the members of `listId`. */
  contactsPage(query: ContactPageQuery): Promise<ContactRecord[]> {
    return query.listId
      ? this.dataSource.query<ContactRecord[]>(LIST_CONTACTS_PAGE, [query.afterId, query.limit, query.listId, query.namePattern ?? null])
      : this.dataSource.query<ContactRecord[]>(CONTACTS_PAGE, [query.afterId, query.limit, query.namePattern ?? null]);
  }

  /** The contact with this phone (E.164), if it is one (and, with `listId`, a member of that list). */
  async findContactByPhone(phone: string, listId?: string): Promise<ContactRecord | null> {
    const rows = listId
      ? await this.dataSource.query<ContactRecord[]>(CONTACT_BY_PHONE_IN_LIST, [phone, listId])
      : await this.dataSource.query<ContactRecord[]>(CONTACT_BY_PHONE, [phone]);
    return rows[0] ?? null;
  }

  /** The contact (`contactId` a canonical bigint), inside the caller's transaction when `db` is given. */
  async findContact(contactId: string, db: EntityManager = this.dataSource.manager): Promise<ContactRecord | null> {
    const rows = await db.query<ContactRecord[]>(CONTACT_BY_ID, [contactId]);
    return rows[0] ?? null;
  }

  /** Ids of the lists the contact is a member of, in the order it joined them. */
  async listIdsOf(contactId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ list_id: string }>>(CONTACT_LIST_IDS, [contactId]);
    return rows.map((row) => row.list_id);
  }

  /** The contact's consent events, oldest first. */
  consentHistory(contactId: string): Promise<ConsentEventRecord[]> {
    return this.dataSource.query<ConsentEventRecord[]>(CONTACT_CONSENT_EVENTS, [contactId]);
  }

  /** Opts the contact out with a consent event; false when it was already opted out (it keeps its first opt-out). */
  async optOut(change: ContactOptOut, db: EntityManager): Promise<boolean> {
    const rows = await db.query<Array<{ changed: number }>>(OPT_OUT_CONTACT, [change.contactId, change.at, change.reason, change.source, change.proof]);
    return rows[0].changed > 0;
  }

  /** Names, language and attributes of a contact (the caller has validated them). */
  async updateProfile(change: ContactProfileChange, db: EntityManager): Promise<void> {
    await db.query(UPDATE_CONTACT_PROFILE, [
      change.contactId,
      change.firstName,
      change.lastName,
      change.language,
      change.setAttributes === null ? null : JSON.stringify(change.setAttributes),
      change.removeAttributes,
    ]);
  }

  /**
   * Erases a contact: its consent history, list memberships and the contact row go; when the person had
   * opted out, the keyed hash of the number is kept (contact_erasures) so an import of it again stays
   * opted out. The caller locked the contact.
   */
  async erase(contactId: string, phoneHash: Buffer, db: EntityManager): Promise<void> {
    await db.query(REMEMBER_ERASED_OPT_OUT, [contactId, phoneHash]);
    await db.query(DELETE_CONTACT_CONSENT_EVENTS, [contactId]);
    await db.query(DELETE_CONTACT_MEMBERSHIPS, [contactId]);
    await db.query(DELETE_CONTACT, [contactId]);
  }

  /** Opts the contact in (also after an opt-out) with a consent event; every call is recorded. */
  async optIn(change: ContactOptIn, db: EntityManager): Promise<boolean> {
    const rows = await db.query<Array<{ changed: number }>>(OPT_IN_CONTACT, [change.contactId, change.at, change.source, change.proof]);
    return rows[0].changed > 0;
  }

  /** One page of lists by (created_at, id), after `after` (null: the first page); cursor_at carries the microseconds. */
  listsPage(after: ListPosition | null, limit: number): Promise<Array<ListRecord & { cursor_at: string }>> {
    return this.dataSource.query<Array<ListRecord & { cursor_at: string }>>(LISTS_PAGE, [after?.createdAt ?? null, after?.id ?? null, limit]);
  }

  /** The list with its member count (`listId` a uuid). */
  async findList(listId: string): Promise<ListRecord | null> {
    const rows = await this.dataSource.query<ListRecord[]>(LIST_BY_ID, [listId]);
    return rows[0] ?? null;
  }

  // ·

  // ── Inbound messages: last inbound time, opt-out by keyword (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * Inbound messages open the 24 h service window (TOUCH_LAST_INBOUND): last_inbound_at moves forward
   * to the latest message per sender, never back. Senders that are not contacts, and values that are
   * not a phone number, are ignored. Returns the ids of the contacts whose time moved.
   */
  async touchLastInbound(messages: readonly InboundTouch[], db: EntityManager): Promise<string[]> {
    const valid = messages.flatMap((message) => {
      const waId = waIdDigits(message.waId);
      return waId === null ? [] : [{ waId, at: message.at }];
    });
    if (valid.length === 0) return [];
    const rows: Array<{ id: string }> = await db.query(TOUCH_LAST_INBOUND, [valid.map((message) => message.waId), valid.map((message) => message.at)]);
    return rows.map((row) => row.id);
  }

  /**
   * Opts senders out by inbound keyword (OPT_OUT_BY_KEYWORD). A known contact not yet opted out is opted
   * out; a number that is not a contact is recorded as an opted-out contact (with its country), so that
   * no later import can message it. Each change gets a consent event (source 'inbound_keyword', the
   * proof, occurredAt). A sender appearing twice counts once (its earliest request). Already opted out:
   * untouched. Values that are not a phone number are ignored. Returns the contacts changed.
   */
  async optOutByKeyword(requests: readonly KeywordOptOut[], db: EntityManager): Promise<KeywordOptOutOutcome[]> {
    const valid = requests.flatMap((request) => {
      const waId = waIdDigits(request.waId);
      return waId === null ? [] : [{ ...request, waId }];
    });
    if (valid.length === 0) return [];
    const rows: KeywordOptOutRow[] = await db.query(OPT_OUT_BY_KEYWORD, [
      valid.map((request) => request.waId),
      valid.map((request) => request.occurredAt),
      valid.map((request) => request.reason),
      valid.map((request) => request.reasonIfUnknown),
      valid.map((request) => request.proof),
      valid.map((request) => {
        const parsed = normalisePhone(`+${request.waId}`);
        return parsed.ok ? parsed.value.country : null;
      }),
    ]);
    return rows.map((row) => ({ contactId: row.id, waId: row.wa_id, phone: row.phone, created: row.created }));
  }

  /**
   * WhatsApp reported that these people stopped marketing messages (MARKETING_OPT_OUT): known contacts
   * get marketing_opted_out_at and a consent event, once. Returns the ids of the contacts changed.
   */
  async optOutOfMarketing(preferences: readonly MarketingPreference[], db: EntityManager = this.dataSource.manager): Promise<string[]> {
    const valid = this.validPreferences(preferences);
    if (valid.length === 0) return [];
    const rows: Array<{ id: string }> = await db.query(MARKETING_OPT_OUT, preferenceParameters(valid));
    return rows.map((row) => row.id);
  }

  /**
   * Business-scoped user ids WhatsApp reported for contacts (statuses' recipient_user_id): stored, the
   * latest winning (a contact's id can change when they change their username). Returns the contacts changed.
   */
  async recordUserIds(ids: ReadonlyArray<{ contactId: string; userId: string }>, db: EntityManager = this.dataSource.manager): Promise<string[]> {
    if (ids.length === 0) return [];
    const [rows] = (await db.query(
      `UPDATE contacts c SET user_id = u.user_id, updated_at = now()
       FROM (SELECT DISTINCT ON (contact_id) contact_id, user_id FROM unnest($1::bigint[], $2::text[]) AS u(contact_id, user_id) ORDER BY contact_id) u
       WHERE c.id = u.contact_id AND c.user_id IS DISTINCT FROM u.user_id
       RETURNING c.id::text AS id`,
      [ids.map((id) => id.contactId), ids.map((id) => id.userId)],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /** A person resumed marketing messages: a consent event for the record, no opt-in. Returns the contacts it was recorded for. */
  async recordMarketingResume(preferences: readonly MarketingPreference[], db: EntityManager = this.dataSource.manager): Promise<string[]> {
    const valid = this.validPreferences(preferences);
    if (valid.length === 0) return [];
    const rows: Array<{ id: string }> = await db.query(RECORD_MARKETING_RESUME, preferenceParameters(valid));
    return rows.map((row) => row.id);
  }

  private validPreferences(preferences: readonly MarketingPreference[]): MarketingPreference[] {
    return preferences.flatMap((preference) => {
      const waId = waIdDigits(preference.waId);
      return waId === null ? [] : [{ ...preference, waId }];
    });
  }


  // ·
}

function preferenceParameters(preferences: readonly MarketingPreference[]): unknown[] {
  return [preferences.map((p) => p.waId), preferences.map((p) => p.at), preferences.map((p) => p.source), preferences.map((p) => p.proof)];
}
