import { randomBytes } from 'node:crypto';
import { constantTimeEquals, decryptSecret, encryptSecret } from './secrets.js';

describe('secrets', () => {
  const key = randomBytes(32);

  it('round-trips a secret and never stores it in clear', () => {
    const encrypted = encryptSecret('my-api-key-1234', key);
    expect(encrypted).not.toContain('my-api-key');
    expect(decryptSecret(encrypted, key)).toBe('my-api-key-1234');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('same', key)).not.toBe(encryptSecret('same', key));
  });

  it('refuses a tampered ciphertext or a wrong key', () => {
    const encrypted = Buffer.from(encryptSecret('secret', key), 'base64');
    encrypted[encrypted.length - 1] ^= 1;
    expect(() => decryptSecret(encrypted.toString('base64'), key)).toThrow();
    expect(() => decryptSecret(encryptSecret('secret', key), randomBytes(32))).toThrow();
  });

  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', 'x', false],
  ])('constantTimeEquals(%p, %p) = %p', (a, b, expected) => {
    expect(constantTimeEquals(a, b)).toBe(expected);
  });
});
