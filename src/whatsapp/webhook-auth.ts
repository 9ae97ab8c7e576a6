import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BasicCredentials } from './webhook-credentials.js';
import { constantTimeEquals, sha256 } from '../common/secrets.js';

/** Pure checks of what 360dialog sends with each webhook call: Basic credentials and the partner signature. */


/** sha256 hex of the password, as channels.webhook_password_hash stores it. */
export function webhookPasswordHash(password: string): string {
  return sha256(password).toString('hex');
}

/**
 * The webhook credential check (ChannelsService.verifyWebhookCredentials uses it for every request).
 * Constant time in the supplied values: both parts are always compared, on fixed-length digests,
 * and combined without short-circuit. A stored hash that is not 64 hex digits never matches (it
 * must not throw: that would answer 500).
 */
export function credentialsMatch(
  given: BasicCredentials | null,
  expected: { username: string; passwordHash: string },
): boolean {
  const username = given?.username ?? '';
  const passwordDigest = sha256(given?.password ?? '');
  const hashValid = /^[0-9a-f]{64}$/i.test(expected.passwordHash);
  const stored = hashValid ? Buffer.from(expected.passwordHash, 'hex') : Buffer.alloc(32);
  const usernameOk = constantTimeEquals(username, expected.username);
  const passwordOk = timingSafeEqual(passwordDigest, stored);
  return (Number(usernameOk) & Number(passwordOk) & Number(hashValid) & Number(given !== null)) === 1;
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
