import { isUUID } from 'class-validator';

/** The one place ids are checked: uuids (channels, campaigns, lists, imports) and bigint identities (contacts, recipients, inbox rows). */

/** The largest value of a PostgreSQL bigint (identity ids of contacts, recipients, inbox rows). */
export const MAX_BIGINT = 9223372036854775807n;
const DIGITS = /^(0|[1-9]\d{0,18})$/;

/** `text` when it is a canonical non-negative bigint (no sign, no leading zero, in range), else null. */
export function bigintId(text: string): string | null {
  return DIGITS.test(text) && BigInt(text) <= MAX_BIGINT ? text : null;
}

/** Any uuid in its canonical 8-4-4-4-12 hex form, either case (what PostgreSQL's uuid type accepts back). */
export function isUuid(value: string): boolean {
  return isUUID(value, 'all');
}
