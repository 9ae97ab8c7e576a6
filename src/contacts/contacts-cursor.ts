/**
 * Opaque keyset cursors of the contacts module. A contacts cursor names the last contact id of a page
 * (the next page is id > it); a lists cursor names the last (created_at, id). Pure.
 */
import { bigintId } from '../common/bigint-id.js';

const CONTACT_PREFIX = 'c1:';
const LIST_PREFIX = 'l1:';
const BASE64URL = /^[A-Za-z0-9_-]{1,256}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeContactCursor(lastId: string): string {
  return Buffer.from(`${CONTACT_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The last contact id the cursor names, or null when it is not a cursor this module issued. */
export function decodeContactCursor(cursor: string): string | null {
  const text = decode(cursor);
  if (!text?.startsWith(CONTACT_PREFIX)) return null;
  const id = text.slice(CONTACT_PREFIX.length);
  return bigintId(id);
}

/** `createdAt` with its full (microsecond) precision, as PostgreSQL returned it: see LISTS_PAGE. */
export function encodeListCursor(createdAt: string, id: string): string {
  return Buffer.from(`${LIST_PREFIX}${createdAt}|${id}`, 'utf8').toString('base64url');
}

export function decodeListCursor(cursor: string): { createdAt: string; id: string } | null {
  const text = decode(cursor);
  if (!text?.startsWith(LIST_PREFIX)) return null;
  const [createdAt, id] = text.slice(LIST_PREFIX.length).split('|');
  if (!createdAt || !id || !UUID.test(id) || Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id };
}

function decode(cursor: string): string | null {
  return BASE64URL.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : null;
}
