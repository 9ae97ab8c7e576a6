/**
 * Keyset cursors of the contacts module (common/cursor.ts). A contacts cursor names the last contact id
 * of a page (the next page is id > it); a lists cursor names the last (created_at, id), created_at as
 * PostgreSQL's text with microseconds (LISTS_PAGE).
 */
import { idCursor, timeIdCursor } from '../common/cursor.js';

const contacts = idCursor('c');
const lists = timeIdCursor('l');

export const encodeContactCursor = (lastId: string): string => contacts.encode(lastId);
/** The last contact id the cursor names, or null when it is not a cursor this module issued. */
export const decodeContactCursor = (cursor: string): string | null => contacts.decode(cursor);

export const encodeListCursor = (createdAt: string, id: string): string => lists.encode({ createdAt, id });
export const decodeListCursor = (cursor: string): { createdAt: string; id: string } | null => lists.decode(cursor);
