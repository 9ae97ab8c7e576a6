import { MAX_COLUMNS, detectDelimiter, mapHeader, toSnakeKey } from './csv-header.js';

describe('detectDelimiter', () => {
  it.each([
    ['phone,first_name,last_name', ','],
    ['phone;first_name;last_name', ';'],
    ['phone\tfirst_name\tlast_name', '\t'],
    ['phone', ','],
    ['"a,b";c;d', ';'],
    ['"name; with semicolon",phone', ','],
    ['phone;"a,b,c,d"', ';'],
    ['phone\t"a;b"\tc', '\t'],
  ])('%j → %j', (line, delimiter) => {
    expect(detectDelimiter(line)).toBe(delimiter);
  });
});

describe('toSnakeKey', () => {
  it.each([
    ['First Name', 'first_name'],
    ['firstName', 'first_name'],
    ['FirstName', 'first_name'],
    [' E-Mail ', 'e_mail'],
    ['Customer ID', 'customer_id'],
    ['customerID', 'customer_id'],
    ['HTMLSource', 'html_source'],
    ['Kundennr.', 'kundennr'],
    ['Größe (cm)', 'größe_cm'],
    ['__plan__', 'plan'],
    ['\uFEFFphone', 'phone'],
    ['PHONE_NUMBER', 'phone_number'],
    ['WA ID', 'wa_id'],
    ['', ''],
    ['   ', ''],
    ['%', ''],
  ])('%j → %j', (name, key) => {
    expect(toSnakeKey(name)).toBe(key);
  });
});

describe('mapHeader', () => {
  it.each([
    [['phone'], 0, false],
    [['Phone Number', 'name'], 0, false],
    [['first_name', ' MOBILE '], 1, false],
    [['MSISDN'], 0, false],
    [['wa_id', 'x'], 0, true],
    [['waId'], 0, true],
  ])('finds the phone column in %j', (cells, index, isWaId) => {
    const result = mapHeader(cells);
    expect(result.ok && result.header.phoneIndex).toBe(index);
    expect(result.ok && result.header.phoneIsWaId).toBe(isWaId);
  });

  it('maps known columns and puts the rest into attributes with snake_case keys', () => {
    const result = mapHeader(['Phone', 'First Name', 'lastName', 'Language', 'Opted In At', 'opt_in_source', 'Opt-In Proof', 'Country', 'City', 'Customer ID', '']);
    expect(result).toEqual({
      ok: true,
      header: {
        columnCount: 11,
        phoneIndex: 0,
        phoneIsWaId: false,
        phoneColumn: 'Phone',
        known: { first_name: 1, last_name: 2, language: 3, opted_in_at: 4, opt_in_source: 5, opt_in_proof: 6, country: 7 },
        attributes: [
          { index: 8, key: 'city' },
          { index: 9, key: 'customer_id' },
        ],
      },
    });
  });

  it('keeps attribute keys unique after snake-casing', () => {
    const result = mapHeader(['phone', 'Plan', 'plan', 'PLAN']);
    expect(result.ok && result.header.attributes.map((attribute) => attribute.key)).toEqual(['plan', 'plan_2', 'plan_3']);
  });

  it.each([
    [['a', 'a', 'a_2'], ['a', 'a_2', 'a_2_2']],
    [['a_2', 'a', 'a', 'a'], ['a_2', 'a', 'a_3', 'a_4']],
    [['Plan', 'plan_3', 'plan', 'PLAN', 'plan'], ['plan', 'plan_3', 'plan_2', 'plan_4', 'plan_5']],
    [['first_name', 'First-Name '], null],
  ])('renames duplicates %j to the first free suffix', (names, expected) => {
    const result = mapHeader(['phone', ...names]);
    if (expected === null) expect(result.ok).toBe(false);
    else expect(result.ok && result.header.attributes.map((attribute) => attribute.key)).toEqual(expected);
  });

  it('renames 999 columns of one name to name, name_2 … name_999', () => {
    const result = mapHeader(['phone', ...Array.from({ length: 999 }, () => 'a')]);
    const keys = result.ok ? result.header.attributes.map((attribute) => attribute.key) : [];
    expect(keys).toEqual(['a', ...Array.from({ length: 998 }, (_, index) => `a_${index + 2}`)]);
  });

  it.each([
    [MAX_COLUMNS, true],
    [MAX_COLUMNS + 1, false],
    [16_000, false],
  ])('a header of %d columns is accepted: %s', (count, accepted) => {
    const result = mapHeader(['phone', ...Array.from({ length: count - 1 }, () => 'a')]);
    expect(result.ok).toBe(accepted);
    if (!accepted) expect(!result.ok && result).toMatchObject({ tooManyColumns: true, message: `The header has ${count} columns; at most 1000 are accepted: remove the columns you do not need` });
  });

  it.each([
    [['name', 'email'], /^No phone column: name the column with the numbers phone, phone_number, mobile, msisdn or wa_id \(any case\) \(found: "name", "email"\)$/],
    [[''], /^No phone column/],
    [['phone', 'Mobile'], /^Several phone columns \(phone, Mobile\): keep one of them or rename the others$/],
    [['phone', 'first_name', 'First Name'], /^The column first_name appears twice in the header: keep one$/],
  ])('refuses %j', (cells, message) => {
    const result = mapHeader(cells);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});
