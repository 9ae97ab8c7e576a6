/**
 * Short-lived signed grants for the report page's CSV download (pure; no Nest or TypeORM imports).
 *
 * The page holds the API token in sessionStorage and cannot put it on a plain link, so it used to
 * fetch the CSV and build a Blob: a million-row export held whole in the browser's memory. Instead
 * the page asks (with its token) for a grant — campaign id and expiry, HMAC-SHA256-signed with a key
 * derived from ENCRYPTION_KEY (every instance shares it) — and navigates to a link carrying it; the
 * browser then streams the file to disk. A grant names one campaign's full export and expires after
 * GRANT_TTL_SECONDS; it is compared in constant time.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/ids.js';

export const GRANT_TTL_SECONDS = 60;
const VERSION = 'g1';

/** The signing key, derived from the encryption key for this purpose only. */
export function downloadGrantKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'wa-engine report.csv download grant', 32));
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

/** `g1.<expires, unix seconds>.<base64url mac>`; the campaign id is signed, not carried (it is in the URL). */
export function signDownloadGrant(key: Buffer, campaignId: string, expiresAt: number): string {
  const expires = Math.floor(expiresAt);
  const payload = `${VERSION}:${campaignId.toLowerCase()}:${expires}`;
  return `${VERSION}.${expires}.${mac(key, payload).toString('base64url')}`;
}

export type GrantVerdict = 'ok' | 'malformed' | 'expired' | 'invalid';

export function verifyDownloadGrant(key: Buffer, campaignId: string, grant: string, now: number): GrantVerdict {
  const match = /^g1\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(grant);
  if (!match || !isUuid(campaignId.toLowerCase())) return 'malformed';
  const expires = Number(match[1]);
  const given = Buffer.from(match[2], 'base64url');
  const expected = mac(key, `${VERSION}:${campaignId.toLowerCase()}:${expires}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  if (now >= expires) return 'expired';
  if (expires > now + GRANT_TTL_SECONDS + 5) return 'invalid'; // never issued with a longer life
  return 'ok';
}
