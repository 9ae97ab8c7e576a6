import { mapHeader } from './csv-header.js';
import { createRowContext, isBlankRecord, mapRow, type RowContext } from './import-row.js';

function context(header: string[], defaultCountry: string | null = 'DE'): RowContext {
  const mapped = mapHeader(header);
  if (!mapped.ok) throw new Error(mapped.message);
  return createRowContext(mapped.header, ',', defaultCountry, new Date('2026-06-15T12:00:00Z'));
}

const FULL = ['phone', 'first_name', 'last_name', 'language', 'opted_in_at', 'opt_in_source', 'City', 'Customer ID'];

describe('mapRow', () => {
  it('maps a full row: E.164, known fields trimmed, the rest into attributes', () => {
    const result = mapRow(['0151 23456789', ' Anna ', 'Müller', 'de', '2024-03-01T10:00:00+01:00', 'web form', 'Frankfurt, Main', 'C-17'], context(FULL));
    expect(result).toEqual({
      ok: true,
      row: {
        phone: '+4915123456789',
        waId: '4915123456789',
        country: 'DE',
        firstName: 'Anna',
        lastName: 'Müller',
        language: 'de',
        attributesJson: '{"city":"Frankfurt, Main","customer_id":"C-17"}',
        optedInAt: '2024-03-01T09:00:00.000Z',
        optInSource: 'web form',
        optInProof: null,
      },
    });
  });

  it('leaves empty cells out: null known fields, no attribute, no opted_in_at', () => {
    const result = mapRow(['+4915123456789', '', '  ', '', '', '', '', ''], context(FULL));
    expect(result).toMatchObject({
      ok: true,
      row: { firstName: null, lastName: null, language: null, optedInAt: null, optInSource: null, attributesJson: '{}' },
    });
  });

  it('escapes attribute values as JSON and drops NUL characters', () => {
    const result = mapRow(['+4915123456789', 'say "hi"\nnext\u0000'], context(['phone', 'note']));
    expect(result.ok && JSON.parse(result.row.attributesJson)).toEqual({ note: 'say "hi"\nnext' });
  });

  it('uses a row country column as the default country of that row', () => {
    const ctx = context(['phone', 'country'], 'DE');
    expect(mapRow(['07400 123456', 'GB'], ctx)).toMatchObject({ ok: true, row: { phone: '+447400123456', country: 'GB' } });
    expect(mapRow(['0151 23456789', ''], ctx)).toMatchObject({ ok: true, row: { phone: '+4915123456789' } });
    expect(mapRow(['0151 23456789', 'Germany'], ctx)).toMatchObject({ ok: true, row: { phone: '+4915123456789' } });
  });

  it.each([
    [['', 'Anna'], 'missing phone', ''],
    [['   ', 'Anna'], 'missing phone', ''],
    [['12ab', 'Anna'], 'invalid phone number', '12ab'],
    [['4.91512E+12', 'Anna'], 'phone number in scientific notation', '4.91512E+12'],
    [['+4915123456789'], 'too few columns (expected 2, found 1)', '+4915123456789'],
    [['+4915123456789', 'Anna', 'extra'], 'too many columns (expected 2, found 3)', '+4915123456789,Anna,extra'],
  ])('rejects %j: %s', (cells, reason, value) => {
    expect(mapRow(cells, context(['phone', 'first_name']))).toEqual({ ok: false, reject: { reason, value } });
  });

  it('accepts trailing empty cells beyond the header (a trailing delimiter)', () => {
    expect(mapRow(['+4915123456789', 'Anna', '', ' '], context(['phone', 'first_name']))).toMatchObject({ ok: true });
  });

  it('reports phone numbers without country code when there is no default country', () => {
    expect(mapRow(['0151 23456789'], context(['phone'], null))).toEqual({
      ok: false,
      reject: { reason: 'phone number without country code', value: '0151 23456789' },
    });
  });

  it.each([
    ['tomorrow', 'invalid opted_in_at date'],
    ['01/02/2024', 'ambiguous opted_in_at date'],
    ['2030-01-01', 'opted_in_at is in the future'],
  ])('rejects opted_in_at %j: %s', (date, reason) => {
    expect(mapRow(['+4915123456789', date], context(['phone', 'opted_in_at']))).toEqual({ ok: false, reject: { reason, value: date } });
  });

  it('remembers the outcome of repeated opted_in_at values', () => {
    const ctx = context(['phone', 'opted_in_at']);
    expect(mapRow(['+4915123456789', '2024-03-01'], ctx)).toMatchObject({ ok: true, row: { optedInAt: '2024-03-01T00:00:00.000Z' } });
    expect(mapRow(['+4915123456780', '2024-03-01'], ctx)).toMatchObject({ ok: true, row: { optedInAt: '2024-03-01T00:00:00.000Z' } });
    expect(mapRow(['+4915123456781', 'soon'], ctx)).toMatchObject({ ok: false, reject: { reason: 'invalid opted_in_at date' } });
    expect(mapRow(['+4915123456782', 'soon'], ctx)).toMatchObject({ ok: false, reject: { reason: 'invalid opted_in_at date', value: 'soon' } });
    expect(ctx.dates.size).toBe(2);
  });

  it('checks the phone before the date (one reason per row)', () => {
    expect(mapRow(['x', 'tomorrow'], context(['phone', 'opted_in_at']))).toMatchObject({ ok: false, reject: { reason: 'invalid phone number' } });
  });

  it('shortens very long values shown in a reject', () => {
    const result = mapRow(['9'.repeat(500)], context(['phone']));
    expect(!result.ok && result.reject.value).toHaveLength(201);
  });

  it('reads wa_id columns as international digits', () => {
    expect(mapRow(['447400123456'], context(['wa_id'], 'DE'))).toMatchObject({ ok: true, row: { phone: '+447400123456' } });
  });
});

describe('isBlankRecord', () => {
  it.each([
    [[''], true],
    [['   '], true],
    [['', '', ''], true],
    [[' ', '\t'], true],
    [['', 'x'], false],
    [['+4915123456789'], false],
  ])('%j → %p', (cells, blank) => {
    expect(isBlankRecord(cells)).toBe(blank);
  });
});
