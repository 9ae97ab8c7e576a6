import { copyValue } from './copy.js';

describe('copyValue (PostgreSQL COPY text format)', () => {
  it.each([
    [null, '\\N'],
    ['plain', 'plain'],
    ['', ''],
    ['a\tb', 'a\\tb'],
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['back\\slash', 'back\\\\slash'],
    ['\\N', '\\\\N'],
    ['nul\u0000byte', 'nulbyte'],
    ['Müller 😀', 'Müller 😀'],
  ])('%j → %j', (value, encoded) => {
    expect(copyValue(value)).toBe(encoded);
  });
});
