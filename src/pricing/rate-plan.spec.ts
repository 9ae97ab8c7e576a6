import { parseRateCard } from './rate-card.js';
import { isCharged, RatePlan } from './rate-plan.js';

const plan = new RatePlan(
  parseRateCard(
    JSON.stringify({
      name: 'test',
      currency: 'EUR',
      rates: [
        { callingCode: '49', category: 'marketing', price: 0.1131 },
        { callingCode: '49', category: 'utility', price: 0.0456 },
        { callingCode: '1', category: 'marketing', price: 0.025 },
        { callingCode: '1242', category: 'marketing', price: 0.07 },
        { callingCode: '4', category: 'marketing', price: 0.09 },
        { callingCode: '*', category: 'marketing', price: 0.06 },
        { callingCode: '*', category: 'authentication', price: 0.03 },
      ],
    }),
    'test',
  ),
);

describe('RatePlan.priceFor: the longest calling-code prefix wins, then "*"', () => {
  it.each([
    ['4915112345678', 'marketing', 113_100, '49'],
    ['4915112345678', 'MARKETING', 113_100, '49'],
    ['4915112345678', 'utility', 45_600, '49'],
    ['12425551234', 'marketing', 70_000, '1242'],
    ['12125551234', 'marketing', 25_000, '1'],
    ['447700900123', 'marketing', 90_000, '4'],
    ['33612345678', 'marketing', 60_000, '*'],
    ['4915112345678', 'marketing_lite', 113_100, '49'],
    ['33612345678', 'authentication_international', 30_000, '*'],
    ['33612345678', 'authentication', 30_000, '*'],
  ])('%s as %s costs %p micro-units (line %s)', (waId, category, micros, callingCode) => {
    expect(plan.priceFor(waId, category)).toEqual(expect.objectContaining({ priced: true, micros, callingCode }));
  });

  it.each([
    ['33612345678', 'utility'],
    ['4915112345678', 'service'],
    ['4915112345678', null],
  ])('%s as %s is not priced: costs nothing and says so', (waId, category) => {
    expect(plan.priceFor(waId, category)).toEqual({ priced: false, micros: 0, callingCode: null, category: null });
  });
});

describe('isCharged', () => {
  it.each([
    [{ category: 'marketing', type: 'regular', billable: true }, true],
    [{ category: 'marketing', type: null, billable: null }, true],
    [{ category: 'utility', type: 'REGULAR', billable: null }, true],
    [{ category: 'marketing', type: 'regular', billable: false }, false],
    [{ category: 'utility', type: 'free_customer_service', billable: true }, false],
    [{ category: 'marketing', type: 'free_entry_point', billable: null }, false],
    [{ category: null, type: null, billable: true }, false],
  ])('%j → %p', (pricing, charged) => {
    expect(isCharged(pricing)).toBe(charged);
  });
});
