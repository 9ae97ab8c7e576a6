import { createHmac } from 'node:crypto';

/**
 * The keyed hash an erased contact's number is remembered by (contact_erasures): HMAC-SHA256 of the E.164
 * number, with a key derived from the engine's ENCRYPTION_KEY, so the table alone does not give the
 * numbers back (a plain hash of a phone number is reversed by trying every number).
 */
export function erasureKey(encryptionKey: Buffer): Buffer {
  return createHmac('sha256', encryptionKey).update('contact-erasure/v1').digest();
}

export function phoneHash(key: Buffer, phone: string): Buffer {
  return createHmac('sha256', key).update(phone, 'utf8').digest();
}

/**
 * The HMAC's inner and outer pads (RFC 2104, SHA-256's 64-byte block), for the import's merge to compute
 * the same hash in SQL: sha256(opad || sha256(ipad || phone)), with no extension needed.
 */
export function hmacPads(key: Buffer): { ipad: Buffer; opad: Buffer } {
  if (key.length > 64) throw new Error('an HMAC key longer than the block is hashed first: not supported here');
  const block = Buffer.alloc(64);
  key.copy(block);
  return { ipad: Buffer.from(block.map((byte) => byte ^ 0x36)), opad: Buffer.from(block.map((byte) => byte ^ 0x5c)) };
}
