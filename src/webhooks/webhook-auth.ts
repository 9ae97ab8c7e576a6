import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { constantTimeEquals } from '../common/secrets.js';

/** Pure checks of what 360dialog sends with each webhook call: Basic credentials and the partner signature. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export interface BasicCredentials {
  username: string;
  password: string;
}

export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** sha256 hex of the password, as channels.webhook_password_hash stores it. */
export function webhookPasswordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/**
 * Constant time in the supplied values: both parts are always compared, on fixed-length digests,
 * and combined without short-circuit.
 */
export function credentialsMatch(
  given: BasicCredentials | null,
  expected: { username: string; passwordHash: string },
): boolean {
  const username = given?.username ?? '';
  const passwordDigest = createHash('sha256').update(given?.password ?? '', 'utf8').digest();
  const stored = /^[0-9a-f]{64}$/i.test(expected.passwordHash) ? Buffer.from(expected.passwordHash, 'hex') : Buffer.alloc(32);
  const usernameOk = constantTimeEquals(username, expected.username);
  const passwordOk = timingSafeEqual(passwordDigest, stored);
  return (Number(usernameOk) & Number(passwordOk) & Number(given !== null)) === 1;
}

/**
 * `x-360dialog-signature`: HMAC-SHA256 of the raw body with the partner secret, as hex, with or without
 * a `sha256=` prefix. Several values (comma-separated or repeated header) pass if any matches.
 */
export function signatureMatches(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (header === undefined) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const values = (Array.isArray(header) ? header : [header]).flatMap((value) => value.split(','));
  let ok = 0;
  for (const value of values) {
    const hex = value.trim().replace(/^sha256=/i, '');
    const given = /^[0-9a-f]{64}$/i.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(32);
    ok |= Number(timingSafeEqual(given, expected) && /^[0-9a-f]{64}$/i.test(hex));
  }
  return ok === 1;
}
