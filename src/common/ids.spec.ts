import { bigintId, isUuid } from './ids.js';

describe('bigintId', () => {
  it.each([['0'], ['1'], ['42'], ['9223372036854775807']])('accepts %s', (text) => {
    expect(bigintId(text)).toBe(text);
  });

  it.each([['9223372036854775808'], ['9999999999999999999'], ['01'], ['-1'], ['+1'], ['1.5'], [''], [' 1'], ['1e3'], ['12345678901234567890']])(
    'refuses %j',
    (text) => {
      expect(bigintId(text)).toBeNull();
    },
  );
});

describe('isUuid', () => {
  it.each([['5f0c6e0e-8d6b-4a59-9f65-3b2f1f1d2c3a'], ['5F0C6E0E-8D6B-4A59-9F65-3B2F1F1D2C3A'], ['00000000-0000-0000-0000-000000000000']])('accepts %s', (text) => {
    expect(isUuid(text)).toBe(true);
  });
  it.each([['5f0c6e0e8d6b4a599f653b2f1f1d2c3a'], ['{5f0c6e0e-8d6b-4a59-9f65-3b2f1f1d2c3a}'], ['5f0c6e0e-8d6b-4a59-9f65-3b2f1f1d2c3'], ['x'], ['']])('refuses %j', (value) => {
    expect(isUuid(value)).toBe(false);
  });
});
