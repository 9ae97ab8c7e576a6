/** The largest value of a PostgreSQL bigint (identity ids of contacts, recipients, inbox rows). */
export const MAX_BIGINT = 9223372036854775807n;
const DIGITS = /^(0|[1-9]\d{0,18})$/;

/** `text` when it is a canonical non-negative bigint (no sign, no leading zero, in range), else null. */
export function bigintId(text: string): string | null {
  return DIGITS.test(text) && BigInt(text) <= MAX_BIGINT ? text : null;
}
