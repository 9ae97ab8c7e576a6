import { parseRateCard } from './rate-card.js';
import { actualCost, callingCodeOf, countriesOf, estimateCost } from './estimate-math.js';
import { RatePlan } from './rate-plan.js';

const plan = new RatePlan(
  parseRateCard(
    JSON.stringify({
      name: 'test',
      currency: 'EUR',
      rates: [
        { callingCode: '49', category: 'marketing', price: 0.1131 },
        { callingCode: '49', category: 'utility', price: 0.0456 },
        { callingCode: '44', category: 'marketing', price: 0.0705 },
        { callingCode: '*', category: 'marketing', price: 0.06 },
      ],
    }),
    'test',
  ),
);

describe('calling codes', () => {
  it.each([
    ['4915', '49', 'DE'],
    ['4477', '44', 'GB'],
    ['1212', '1', 'US'],
    ['3361', '33', 'FR'],
    ['3519', '351', 'PT'],
    ['9999', null, undefined],
  ])('%s → %p (%p first)', (digits, code, country) => {
    expect(callingCodeOf(digits)).toBe(code);
    expect(countriesOf(code)[0]).toBe(country);
  });
});

describe('estimateCost', () => {
  it.each([
    [
      'marketing: everyone billable, each at its line',
      'marketing',
      [
        { prefix: '4915', inWindow: false, recipients: 3 },
        { prefix: '4917', inWindow: true, recipients: 1 },
        { prefix: '4477', inWindow: false, recipients: 2 },
        { prefix: '3361', inWindow: false, recipients: 5 },
      ],
      { recipients: 11, free: 0, billable: 11, totalMicros: 4 * 113_100 + 2 * 70_500 + 5 * 60_000 },
    ],
    [
      'utility: the open window is free; no "*" utility line: France not priced',
      'utility',
      [
        { prefix: '4915', inWindow: false, recipients: 3 },
        { prefix: '4917', inWindow: true, recipients: 2 },
        { prefix: '3361', inWindow: false, recipients: 4 },
      ],
      { recipients: 9, free: 2, billable: 7, totalMicros: 3 * 45_600 },
    ],
    ['an unknown category prices nothing', null, [{ prefix: '4915', inWindow: false, recipients: 3 }], { recipients: 3, free: 0, billable: 3, totalMicros: 0 }],
    ['no audience', 'marketing', [], { recipients: 0, free: 0, billable: 0, totalMicros: 0 }],
  ])('%s', (_case, category, groups, totals) => {
    expect(estimateCost(groups, category, plan)).toEqual(expect.objectContaining(totals));
  });

  it('groups by calling code and card line, priced flags the lines without a price', () => {
    const estimate = estimateCost(
      [
        { prefix: '4915', inWindow: false, recipients: 3 },
        { prefix: '4917', inWindow: true, recipients: 2 },
        { prefix: '3361', inWindow: false, recipients: 4 },
      ],
      'utility',
      plan,
    );
    expect(estimate.lines).toEqual([
      { callingCode: '49', countries: ['DE'], category: 'utility', rateCallingCode: '49', recipients: 5, free: 2, billable: 3, unitMicros: 45_600, amountMicros: 136_800, priced: true },
      { callingCode: '33', countries: ['FR'], category: 'utility', rateCallingCode: null, recipients: 4, free: 0, billable: 4, unitMicros: 0, amountMicros: 0, priced: false },
    ]);
  });
});

describe('actualCost', () => {
  it.each([
    [
      'per category, each group at its card line',
      [
        { category: 'marketing', prefix: '4915', messages: 3 },
        { category: 'marketing', prefix: '3361', messages: 2 },
        { category: 'utility', prefix: '4915', messages: 4 },
      ],
      {
        billableMessages: 9,
        totalMicros: 3 * 113_100 + 2 * 60_000 + 4 * 45_600,
        byCategory: [
          { category: 'marketing', messages: 5, amountMicros: 459_300, priced: true },
          { category: 'utility', messages: 4, amountMicros: 182_400, priced: true },
        ],
      },
    ],
    [
      'a category the card does not price counts its messages at no cost',
      [{ category: 'authentication', prefix: '4915', messages: 2 }],
      { billableMessages: 2, totalMicros: 0, byCategory: [{ category: 'authentication', messages: 2, amountMicros: 0, priced: false }] },
    ],
    ['nothing charged yet', [], { billableMessages: 0, totalMicros: 0, byCategory: [] }],
  ])('%s', (_case, groups, expected) => {
    expect(actualCost(groups, plan)).toEqual(expected);
  });
});
