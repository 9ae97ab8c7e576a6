import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { decodeListCursor, encodeListCursor } from './contacts-cursor.js';
import type { ListRecord } from './contacts.queries.js';
import { ContactsRepository } from './contacts.repository.js';
import { iso } from './contacts.service.js';
import type { ListPageResponse, ListResponse } from './dto/list.dto.js';

@Injectable()
export class ListsService {
  constructor(private readonly contacts: ContactsRepository) {}

  /** Lists, oldest first, keyset-paginated on (created_at, id). */
  async list(cursor: string | undefined, limit = 50): Promise<ListPageResponse> {
    let after: { createdAt: string; id: string } | null = null;
    if (cursor !== undefined) {
      after = decodeListCursor(cursor);
      if (!after) throw new DomainError('invalid', 'cursor is not a cursor from this listing: pass nextCursor as it was returned');
    }
    const rows = await this.contacts.listsPage(after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toListResponse), nextCursor: rows.length > limit ? encodeListCursor(last.cursor_at, last.id) : null };
  }

  async get(id: string): Promise<ListResponse> {
    const list = isUuid(id) ? await this.contacts.findList(id) : null;
    if (!list) throw new DomainError('not_found', `List ${id} not found`);
    return toListResponse(list);
  }
}

function toListResponse(row: ListRecord): ListResponse {
  return { id: row.id, name: row.name, memberCount: row.member_count, createdAt: iso(row.created_at) };
}
