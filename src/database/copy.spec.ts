import { binaryCopyValue, copyValue } from './copy.js';

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

describe('binaryCopyValue (the one value of a binary COPY of one column)', () => {
  const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
  const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
  const int32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    return buffer;
  };
  const header = (extension = Buffer.alloc(0)) => Buffer.concat([signature, int32(0), int32(extension.length), extension]);
  const row = (value: Buffer | null) => Buffer.concat([int16(1), int32(value === null ? -1 : value.length), value ?? Buffer.alloc(0)]);
  const trailer = int16(-1);
  const notUtf8 = Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a, 0xff, 0x00]); // "Müller\n" in Latin-1, then 0xff and NUL

  it.each([
    ['a value', Buffer.concat([header(), row(notUtf8), trailer]), notUtf8],
    ['an empty value', Buffer.concat([header(), row(Buffer.alloc(0)), trailer]), Buffer.alloc(0)],
    ['no row', Buffer.concat([header(), trailer]), null],
    ['a header extension', Buffer.concat([header(Buffer.from('ext')), row(notUtf8), trailer]), notUtf8],
  ])('reads %s', (_case, output, expected) => {
    expect(binaryCopyValue(output)).toEqual(expected);
  });

  it.each([
    ['no signature', Buffer.concat([Buffer.from('COPY'), row(notUtf8), trailer])],
    ['a null value', Buffer.concat([header(), row(null), trailer])],
    ['two rows', Buffer.concat([header(), row(notUtf8), row(notUtf8), trailer])],
    ['two columns', Buffer.concat([header(), int16(2), int32(1), Buffer.from('a'), int32(1), Buffer.from('b'), trailer])],
    ['a cut value', Buffer.concat([header(), row(notUtf8)]).subarray(0, -3)],
    ['no trailer', Buffer.concat([header(), row(notUtf8)])],
  ])('refuses %s', (_case, output) => {
    expect(() => binaryCopyValue(output)).toThrow(/unexpected binary COPY output/);
  });
});
