/**
 * Opaque keyset cursors for recipient listings. A cursor names the last recipient id of a page;
 * the next page is `id > that`, ordered by id. Ids never change, so under concurrent status updates
 * every recipient appears on exactly one page. Pure.
 */
import { bigintId } from '../common/bigint-id.js';

const PREFIX = 'r1:';

export function encodeCursor(lastId: string): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The last id the cursor names, or null when the text is not a cursor this service issued. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return null;
  return bigintId(text.slice(PREFIX.length));
}
