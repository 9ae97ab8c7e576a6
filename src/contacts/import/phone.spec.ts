import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import {
  directValidity,
  fastInternational,
  fastNational,
  libraryValidity,
  MIN_INTERNATIONAL_DIGITS,
  normalisePhone,
  parseWithLibrary,
  toCountryCode,
} from './phone.js';

describe('normalisePhone', () => {
  it.each([
    // [raw, defaultCountry, E.164, country]
    ['+4915123456789', null, '+4915123456789', 'DE'],
    ['+49 151 23456789', null, '+4915123456789', 'DE'],
    ['  +49 151 2345-6789  ', null, '+4915123456789', 'DE'],
    ['0049 151 23456789', null, '+4915123456789', 'DE'],
    ['+49 (0)151 23456789', null, '+4915123456789', 'DE'],
    ['0049 (0) 151 23456789', null, '+4915123456789', 'DE'],
    ['+49.151.23456789', null, '+4915123456789', 'DE'],
    ['+49/151/23456789', null, '+4915123456789', 'DE'],
    ['+49\u00a0151\u00a023456789', null, '+4915123456789', 'DE'],
    ['tel:+4915123456789', null, '+4915123456789', 'DE'],
    ['0151 23456789', 'DE', '+4915123456789', 'DE'],
    ['(0151) 234-56789', 'DE', '+4915123456789', 'DE'],
    ['015123456789', 'de', '+4915123456789', 'DE'],
    ['4915123456789', null, '+4915123456789', 'DE'],
    ['4915123456789', 'DE', '+4915123456789', 'DE'],
    ['447400123456', 'FR', '+447400123456', 'GB'],
    ['07400 123456', 'GB', '+447400123456', 'GB'],
    ['(201) 555-0123', 'US', '+12015550123', 'US'],
    ['201-555-0123', 'US', '+12015550123', 'US'],
    ['+1 201-555-0123', null, '+12015550123', 'US'],
    ['011 49 151 23456789', 'US', '+4915123456789', 'DE'],
    ['06 12 34 56 78', 'FR', '+33612345678', 'FR'],
    ['612345678', 'ES', '+34612345678', 'ES'],
    ['34612345678', 'ES', '+34612345678', 'ES'],
    ['312 345 6789', 'IT', '+393123456789', 'IT'],
    ['+55 11 96123-4567', null, '+5511961234567', 'BR'],
    ['+800 1234 5678', null, '+80012345678', null],
  ])('%j with %p → %s', (raw, country, phone, expectedCountry) => {
    const result = normalisePhone(raw, { defaultCountry: country });
    expect(result).toEqual({ ok: true, value: { phone, waId: phone.slice(1), country: expectedCountry } });
  });

  it.each([
    ['', null, 'missing phone'],
    ['   ', 'DE', 'missing phone'],
    [null, 'DE', 'missing phone'],
    ['12ab', 'DE', 'invalid phone number'],
    ['call me', null, 'invalid phone number'],
    ['+', null, 'invalid phone number'],
    ['+49 151 2345678', null, 'invalid phone number'], // one digit short
    ['+49 151 234567890123', null, 'invalid phone number'],
    ['+4915123456789 ext. 12', null, 'invalid phone number'],
    ['+999 123456789', null, 'invalid phone number'], // no such country code
    ['0151 23456789', null, 'phone number without country code'],
    ['4.91512E+12', 'DE', 'phone number in scientific notation'],
    ['4,91512E+12', 'DE', 'phone number in scientific notation'],
    ['1.5E10', null, 'phone number in scientific notation'],
  ])('%j with %p → %s', (raw, country, reason) => {
    expect(normalisePhone(raw, { defaultCountry: country })).toEqual({ ok: false, reason });
  });

  it('reads digits of a wa_id column as international whatever the default country', () => {
    // As a German national number this would be a valid landline; as a wa_id it is British.
    expect(normalisePhone('447400123456', { defaultCountry: 'DE', international: true })).toMatchObject({ ok: true, value: { phone: '+447400123456' } });
    expect(normalisePhone('447400123456', { defaultCountry: 'DE' })).toMatchObject({ ok: true, value: { phone: '+49447400123456' } });
  });

  it('uses max metadata: number ranges, not only lengths, are checked', () => {
    // +49 111…: right length for Germany, but no German number starts with 11.
    expect(normalisePhone('+49 1112345678')).toEqual({ ok: false, reason: 'invalid phone number' });
  });
});

describe('toCountryCode', () => {
  it.each([
    ['DE', 'DE'],
    [' de ', 'DE'],
    ['gb', 'GB'],
    ['XX', null],
    ['Germany', null],
    ['', null],
    [null, null],
  ])('%p → %p', (input, expected) => {
    expect(toCountryCode(input)).toBe(expected);
  });
});

describe('the direct path agrees with the library parser', () => {
  // Deterministic pseudo-random digits (mulberry32).
  let seed = 20260615;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const mutate = (nsn: string) => {
    const keep = Math.floor(random() * nsn.length);
    let digits = nsn.slice(0, keep);
    const length = nsn.length + Math.floor(random() * 3) - 1;
    while (digits.length < length) digits += Math.floor(random() * 10);
    return digits;
  };

  it('on numbers of every country, international and national, valid or not', () => {
    let compared = 0;
    let direct = 0;
    let validNumbers = 0;
    for (const [country, example] of Object.entries(examples as Record<string, string>)) {
      const code = getCountryCallingCode(country as CountryCode);
      for (let i = 0; i < 150; i++) {
        const nsn = i === 0 ? example : mutate(example);
        const international = fastInternational(`${code}${nsn}`);
        if (international) {
          direct++;
          expect([country, nsn, international]).toEqual([country, nsn, parseWithLibrary(`+${code}${nsn}`, undefined)]);
        }
        const national = fastNational(`0${nsn}`, country as CountryCode);
        if (national) {
          direct++;
          expect([country, `0${nsn}`, national]).toEqual([country, `0${nsn}`, parseWithLibrary(`0${nsn}`, country as CountryCode)]);
        }
        const verdict = directValidity(country as CountryCode, nsn);
        if (verdict !== null) {
          expect([country, nsn, verdict]).toEqual([country, nsn, libraryValidity(country as CountryCode, nsn)]);
          if (verdict) validNumbers++;
        }
        compared++;
      }
    }
    expect(validNumbers).toBeGreaterThan(3_000);
    expect(compared).toBeGreaterThan(10_000);
    expect(direct).toBeGreaterThan(3_000);
  });

  it('on calling codes shared by several countries: the same number and the same country', () => {
    // Every sharer's example number, mutated, read under the calling code and nationally in every sharer
    // (the parser picks the country from the number, not from the default country).
    const byCode = new Map<string, string[]>();
    for (const country of Object.keys(examples as Record<string, string>)) {
      const code = getCountryCallingCode(country as CountryCode);
      byCode.set(code, [...(byCode.get(code) ?? []), country]);
    }
    const shared = [...byCode].filter(([, countries]) => countries.length > 1);
    expect(shared.map(([code]) => code)).toEqual(expect.arrayContaining(['1', '44', '7', '47', '61', '262', '590']));
    const countriesSeen = new Set<string>();
    let direct = 0;
    for (const [code, countries] of shared) {
      for (const country of countries) {
        const example = (examples as Record<string, string>)[country];
        for (let i = 0; i < 400; i++) {
          const nsn = i === 0 ? example : mutate(example);
          const international = fastInternational(`${code}${nsn}`);
          if (international) {
            direct++;
            countriesSeen.add(international.ok ? String(international.value.country) : '');
            expect([code, nsn, international]).toEqual([code, nsn, parseWithLibrary(`+${code}${nsn}`, undefined)]);
          }
          for (const dialledIn of countries) {
            const national = fastNational(`0${nsn}`, dialledIn as CountryCode);
            if (national) {
              direct++;
              expect([dialledIn, `0${nsn}`, national]).toEqual([dialledIn, `0${nsn}`, parseWithLibrary(`0${nsn}`, dialledIn as CountryCode)]);
            }
          }
        }
      }
    }
    expect(direct).toBeGreaterThan(5_000);
    // Not only the main country of each code: the direct path tells the sharers apart.
    expect([...countriesSeen]).toEqual(expect.arrayContaining(['CA', 'GB', 'GG', 'JE', 'KZ', 'RU', 'US', 'AU', 'NO', 'SJ', 'RE', 'YT']));
  });

  it.each([
    ['+44 7400 123456', '+447400123456', 'GB'],
    ['+44 7624 123456', '+447624123456', 'IM'],
    ['+1 204 234 5678', '+12042345678', 'CA'],
    ['+7 701 234 5678', '+77012345678', 'KZ'],
  ])('%j: the direct path answers, as the library does (%s, %s)', (raw, phone, expectedCountry) => {
    const direct = fastInternational(raw.replace(/\D/g, ''));
    expect(direct).toEqual({ ok: true, value: { phone, waId: phone.slice(1), country: expectedCountry } });
    expect(parseWithLibrary(raw, undefined)).toEqual(direct);
    expect(normalisePhone(raw)).toEqual(direct);
  });

  it('finds no valid number shorter than MIN_INTERNATIONAL_DIGITS, which international input shorter than that skips the parser for', () => {
    // Every digit string below the bound, through the library's own parser: none is valid. (If new
    // metadata ever raises the bound past 6, this exhaustive check grows tenfold per digit: revisit.)
    expect(MIN_INTERNATIONAL_DIGITS).toBe(6);
    let checked = 0;
    for (let length = 1; length < MIN_INTERNATIONAL_DIGITS; length++) {
      for (let n = 0; n < 10 ** length; n++) {
        const digits = String(n).padStart(length, '0');
        if (parseWithLibrary(`+${digits}`, undefined) !== null) throw new Error(`+${digits} is valid`);
        checked++;
      }
    }
    expect(checked).toBe(111_110);
    // The bound is tight: a 6-digit number (+43 and 4 digits) can be valid.
    expect(parseWithLibrary('+431234', undefined)?.ok ?? false).toBe(libraryValidity('AT', '1234'));
    expect(normalisePhone('+49 151')).toEqual({ ok: false, reason: 'invalid phone number' });
    expect(normalisePhone('+1 555', { defaultCountry: 'DE' })).toEqual({ ok: false, reason: 'invalid phone number' });
    expect(normalisePhone('00 44 12', { defaultCountry: 'DE' })).toEqual({ ok: false, reason: 'invalid phone number' });
  });
});
