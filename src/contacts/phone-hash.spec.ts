import { createHash, randomBytes } from 'node:crypto';
import { erasureKey, hmacPads, phoneHash } from './phone-hash.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

describe('phone hash', () => {
  const key = erasureKey(randomBytes(32));

  it.each(['+4915112345678', '+12025550123', '+861012345678'])('the pads give the HMAC of %s (what the import computes in SQL)', (phone) => {
    const { ipad, opad } = hmacPads(key);
    const bySql = sha256(Buffer.concat([opad, sha256(Buffer.concat([ipad, Buffer.from(phone)]))]));
    expect(bySql.equals(phoneHash(key, phone))).toBe(true);
  });

  it('depends on the engine key', () => {
    expect(phoneHash(erasureKey(randomBytes(32)), '+4915112345678').equals(phoneHash(key, '+4915112345678'))).toBe(false);
  });
});
