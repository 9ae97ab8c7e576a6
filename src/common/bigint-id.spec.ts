import { bigintId } from './bigint-id.js';

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
