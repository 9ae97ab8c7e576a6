/**
 * Keyset cursors for recipient listings (common/cursor.ts). A cursor names the last recipient id of a
 * page; the next page is `id > that`, ordered by id. Ids never change, so under concurrent status
 * updates every recipient appears on exactly one page.
 */
import { idCursor } from '../common/cursor.js';

const recipients = idCursor('r');

export const encodeCursor = (lastId: string): string => recipients.encode(lastId);
/** The last id the cursor names, or null when the text is not a cursor this service issued. */
export const decodeCursor = (cursor: string): string | null => recipients.decode(cursor);
