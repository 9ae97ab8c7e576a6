import { parseRateCard, RateCardError } from './rate-card.js';

const card = (rates: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'test card', currency: 'EUR', rates, ...extra });

describe('parseRateCard', () => {
  it('reads the issue’s example card into micro-units', () => {
    const parsed = parseRateCard(
      card([
        { callingCode: '49', category: 'marketing', price: 0.1131 },
        { callingCode: '49', category: 'utility', price: 0.0456 },
        { callingCode: '*', category: 'marketing', price: 0.06 },
      ]),
      'card.json',
    );
    expect(parsed).toEqual({
      name: 'test card',
      currency: 'EUR',
      rates: [
        { callingCode: '49', category: 'marketing', price: 0.1131, micros: 113_100 },
        { callingCode: '49', category: 'utility', price: 0.0456, micros: 45_600 },
        { callingCode: '*', category: 'marketing', price: 0.06, micros: 60_000 },
      ],
    });
  });

  it.each([
    ['not JSON', '{"name":', /card\.json is not valid: it is not JSON/],
    ['an array', '[]', /card\.json is not valid: .*expected object/i],
    ['no name', JSON.stringify({ currency: 'EUR', rates: [] }), /name: must be a string/],
    ['an empty name', card([{ callingCode: '1', category: 'marketing', price: 1 }], { name: ' ' }), /name: must not be empty/],
    ['a lower-case currency', card([{ callingCode: '1', category: 'marketing', price: 1 }], { currency: 'eur' }), /currency: must be an ISO 4217 code/],
    ['no rates', card([]), /rates: must list at least one price/],
    ['rates not an array', card({}), /rates: must be an array/],
    ['an unknown top-level field', card([{ callingCode: '1', category: 'marketing', price: 1 }], { vat: 19 }), /unknown field\(s\) vat/],
    ['a calling code with a plus', card([{ callingCode: '+49', category: 'marketing', price: 1 }]), /rates\[0\] \{"callingCode":"\+49".*callingCode: must be 1 to 4 digits/],
    ['a calling code of 5 digits', card([{ callingCode: '49151', category: 'marketing', price: 1 }]), /rates\[0\].*callingCode: must be 1 to 4 digits/],
    ['a numeric calling code', card([{ callingCode: 49, category: 'marketing', price: 1 }]), /rates\[0\].*callingCode: must be a string/],
    ['an unknown category', card([{ callingCode: '49', category: 'Marketing', price: 1 }]), /rates\[0\].*category: must be one of marketing, marketing_lite, utility/],
    ['a price as a string', card([{ callingCode: '49', category: 'utility', price: '0.05' }]), /rates\[0\].*price: must be a JSON number/],
    ['a negative price', card([{ callingCode: '49', category: 'utility', price: -1 }]), /rates\[0\].*price: must be a number ≥ 0 with at most 6 decimals/],
    ['a price finer than 6 decimals', card([{ callingCode: '49', category: 'utility', price: 0.12345678 }]), /rates\[0\].*at most 6 decimals/],
    ['a typo in a field', card([{ callingCode: '49', category: 'utility', prise: 1 }]), /rates\[0\].*(price: must be a JSON number|unknown field\(s\) prise)/],
    [
      'the second bad entry, named by index',
      card([{ callingCode: '49', category: 'utility', price: 1 }, { callingCode: '44', category: 'marketing' }]),
      /rates\[1\] \{"callingCode":"44","category":"marketing"\}: price: must be a JSON number/,
    ],
    [
      'a repeated entry',
      card([{ callingCode: '49', category: 'utility', price: 1 }, { callingCode: '49', category: 'utility', price: 2 }]),
      /rates\[1\].*repeats rates\[0\]/,
    ],
  ])('refuses %s, naming the bad entry', (_case, text, message) => {
    expect(() => parseRateCard(text, 'card.json')).toThrow(RateCardError);
    expect(() => parseRateCard(text, 'card.json')).toThrow(message);
  });
});
