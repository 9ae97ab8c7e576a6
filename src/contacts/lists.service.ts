import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { decodeListCursor, encodeListCursor } from './contacts-cursor.js';
import { LIST_BY_ID, LISTS_PAGE, type ListRecord } from './contacts.queries.js';
import type { ListPageResponse, ListResponse } from './dto/list.dto.js';
import { iso } from './contacts.service.js';
import { isUuid } from '../common/ids.js';


@Injectable()
export class ListsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Lists, oldest first, keyset-paginated on (created_at, id). */
  async list(cursor: string | undefined, limit = 50): Promise<ListPageResponse> {
    let after: { createdAt: string | null; id: string | null } = { createdAt: null, id: null };
    if (cursor !== undefined) {
      const decoded = decodeListCursor(cursor);
      if (!decoded) throw new DomainError('invalid', 'cursor is not a cursor from this listing: pass nextCursor as it was returned');
      after = decoded;
    }
    const rows: Array<ListRecord & { cursor_at: string }> = await this.dataSource.query(LISTS_PAGE, [after.createdAt, after.id, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toListResponse), nextCursor: rows.length > limit ? encodeListCursor(last.cursor_at, last.id) : null };
  }

  async get(id: string): Promise<ListResponse> {
    if (!isUuid(id)) throw new DomainError('not_found', `List ${id} not found`);
    const rows: ListRecord[] = await this.dataSource.query(LIST_BY_ID, [id]);
    if (rows.length === 0) throw new DomainError('not_found', `List ${id} not found`);
    return toListResponse(rows[0]);
  }
}

function toListResponse(row: ListRecord): ListResponse {
  return { id: row.id, name: row.name, memberCount: row.member_count, createdAt: iso(row.created_at) };
}
