import { SNIFF_BYTES, sniffCsv } from './csv-sniff.js';

const text = (value: string) => Buffer.from(value, 'utf8');

describe('sniffCsv', () => {
  it.each([
    ['phone,name\n+4915123456789,Anna\n', ','],
    ['phone;name\r\n+4915123456789;Anna\r\n', ';'],
    ['phone\tname\n+4915123456789\tAnna\n', '\t'],
    ['\uFEFFphone;name\n+4915123456789;Anna\n', ';'],
    ['\n\n  phone,name\n+4915123456789,Anna', ','],
    ['phone\n+4915123456789', ','],
    ['"Phone Number","Name; Nickname"\n+4915123456789,Anna', ','],
  ])('accepts %j (delimiter %j)', (content, delimiter) => {
    const result = sniffCsv(text(content), true);
    expect(result).toMatchObject({ ok: true, delimiter });
  });

  it.each([
    ['', 'empty', /^The file is empty/],
    ['   \n\r\n  ', 'empty', /^The file is empty/],
    ['\uFEFF', 'empty', /^The file is empty/],
    ['phone,name\n', 'empty', /^The file has a header row but no contacts$/],
    ['phone,name\n\n,\n   \n', 'empty', /^The file has a header row but no contacts$/],
    ['name,email\nAnna,a@example.com\n', 'no_phone_column', /^No phone column/],
    ['phone,mobile\n1,2\n', 'no_phone_column', /^Several phone columns/],
    ['{"phone":"+4915123456789"}', 'not_csv', /looks like JSON/],
    ['<!DOCTYPE html><html></html>', 'not_csv', /looks like HTML or XML/],
  ])('refuses %j as %s', (content, kind, message) => {
    const result = sniffCsv(text(content), true);
    expect(result).toMatchObject({ ok: false, kind });
    expect(!result.ok && result.message).toMatch(message);
  });

  it.each([
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /Excel workbook \(\.xlsx\)/],
    [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), /\.xls\)/],
    [Buffer.from('%PDF-1.7\n'), /PDF/],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), /PNG image/],
    [Buffer.from([0x1f, 0x8b, 0x08, 0x00]), /gzip/],
    [Buffer.from([0xff, 0xfe, 0x70, 0x00, 0x68, 0x00]), /UTF-16/],
    [Buffer.from('phone\n\u0000\u0001\u0002'), /binary/],
    [Buffer.from([0x70, 0x68, 0x6f, 0x6e, 0x65, 0x0a, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), /not UTF-8/], // "Müller" in Latin-1
  ])('refuses binary or non-UTF-8 content %#', (content, message) => {
    const result = sniffCsv(content, true);
    expect(result).toMatchObject({ ok: false, kind: 'not_csv' });
    expect(!result.ok && result.message).toMatch(message);
  });

  it('judges an incomplete head by its header only, even when the head ends inside a quoted field', () => {
    const head = text(`phone,note\n+4915123456789,"a note that goes on ${'x'.repeat(100)}`);
    expect(sniffCsv(head, false)).toMatchObject({ ok: true, delimiter: ',' });
  });

  it('tolerates a multi-byte character cut at the end of an incomplete head', () => {
    const full = text('phone,name\n+4915123456789,Jürgen');
    const cut = full.subarray(0, full.indexOf(0xc3) + 1);
    expect(sniffCsv(cut, false)).toMatchObject({ ok: true });
    expect(sniffCsv(cut, true)).toMatchObject({ ok: false, kind: 'not_csv' });
  });

  it('refuses a first line longer than the sniffed head', () => {
    const head = text('x'.repeat(SNIFF_BYTES));
    expect(sniffCsv(head, false)).toMatchObject({ ok: false, kind: 'not_csv' });
  });

  it('accepts a file whose data rows break the CSV syntax: the import reports that row', () => {
    expect(sniffCsv(text('phone,name\n+4915123456789,"never closed\n'), true)).toMatchObject({ ok: true });
  });
});
