import { DateTime } from 'luxon';
import { bigintId, isUuid } from './ids.js';

/**
 * The one keyset-cursor codec. A cursor is opaque to clients: base64url of `<kind>1:<part>|<part>…`.
 * The kind keeps a cursor of one listing from being replayed on another; decoding checks every part,
 * so a tampered cursor is a 400 (null here), never a 500 from PostgreSQL.
 */

const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;

function encodeParts(kind: string, parts: readonly string[]): string {
  return Buffer.from(`${kind}1:${parts.join('|')}`, 'utf8').toString('base64url');
}

function decodeParts(kind: string, cursor: string, count: number): string[] | null {
  if (!BASE64URL.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}1:`;
  if (!text.startsWith(prefix)) return null;
  const parts = text.slice(prefix.length).split('|');
  return parts.length === count ? parts : null;
}

/** A listing ordered by a bigint identity: the cursor names the last id of a page (next page: id > it). */
export interface IdCursor {
  encode(lastId: string): string;
  /** The last id, or null when `cursor` is not one this listing issued. */
  decode(cursor: string): string | null;
}

export function idCursor(kind: string): IdCursor {
  return {
    encode: (lastId) => encodeParts(kind, [lastId]),
    decode: (cursor) => {
      const parts = decodeParts(kind, cursor, 1);
      return parts ? bigintId(parts[0]) : null;
    },
  };
}

export interface TimeIdPosition {
  /** A timestamp as PostgreSQL returned it (text, full microsecond precision) or ISO 8601. */
  createdAt: string;
  id: string;
}

/**
 * A listing ordered by (created_at, uuid id). Carry created_at as PostgreSQL's own text (`created_at::text`):
 * a JavaScript Date keeps milliseconds only, and rows created in the same millisecond would be skipped.
 */
export interface TimeIdCursor {
  encode(position: TimeIdPosition): string;
  decode(cursor: string): TimeIdPosition | null;
}

export function timeIdCursor(kind: string): TimeIdCursor {
  return {
    encode: (position) => encodeParts(kind, [position.createdAt, position.id]),
    decode: (cursor) => {
      const parts = decodeParts(kind, cursor, 2);
      if (!parts) return null;
      const [createdAt, id] = parts;
      return isUuid(id) && isTimestamp(createdAt) ? { createdAt, id } : null;
    },
  };
}

/** A real calendar time in ISO 8601 or PostgreSQL's text form ("Tue, 31 Feb 2020" and 2020-02-31 are not). */
export function isTimestamp(text: string): boolean {
  return DateTime.fromISO(text, { setZone: true }).isValid || DateTime.fromSQL(text, { setZone: true }).isValid;
}
