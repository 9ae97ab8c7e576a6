import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration, formatMoney, formatNumber, formatPercent, formatRate, formatRatio, humanize, localInputToIso, percentOf } from './format';

describe('format', () => {
  it.each([
    [0, '0'],
    [1234567, '1,234,567'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('formatNumber(%s) = %s', (value, expected) => expect(formatNumber(value)).toBe(expected));

  it.each([
    [1, 3, '33.3%'],
    [0, 0, '—'],
    [999_999, 1_000_000, '99.9%'],
    [5, 5, '100.0%'],
  ])('formatPercent(%s, %s) = %s', (part, whole, expected) => expect(formatPercent(part, whole)).toBe(expected));

  it.each([
    [50, 100, 50],
    [150, 100, 100],
    [1, 0, 0],
  ])('percentOf(%s, %s) = %s', (part, whole, expected) => expect(percentOf(part, whole)).toBe(expected));

  it.each([
    [42, '42 s'],
    [120, '2 min'],
    [125, '2 min 5 s'],
    [3725, '1 h 2 min'],
    [7200, '2 h'],
    [90000, '1 d 1 h'],
    [-1, '—'],
    [null, '—'],
  ])('formatDuration(%s) = %s', (seconds, expected) => expect(formatDuration(seconds)).toBe(expected));

  it.each([
    [0.5, '0.5 msg/s'],
    [80.4, '80 msg/s'],
    [null, '—'],
  ])('formatRate(%s) = %s', (rate, expected) => expect(formatRate(rate)).toBe(expected));

  it('formats money in the currency given, and a bad currency code plainly', () => {
    expect(formatMoney(12.5, 'USD')).toBe('$12.50');
    expect(formatMoney(0.0125, 'EUR')).toBe('€0.0125');
    expect(formatMoney(1, 'euro')).toBe('1.0000 euro');
    expect(formatMoney(null, 'USD')).toBe('—');
  });

  it('turns a datetime-local value into ISO with the offset of this machine', () => {
    const iso = localInputToIso('2026-12-01T09:00')!;
    expect(iso).toMatch(/^2026-12-01T09:00:00[+-]\d{2}:\d{2}$/);
    expect(new Date(iso).getTime()).toBe(new Date('2026-12-01T09:00').getTime());
    expect(localInputToIso('tomorrow')).toBeNull();
  });

  it('humanizes codes', () => expect(humanize('pair_rate_limit')).toBe('pair rate limit'));
});

describe('amounts and ratios', () => {
  it.each([
    ['0.5868', 'EUR', '0.5868 EUR'],
    ['12.00', 'USD', '12.00 USD'],
    [null, 'EUR', '—'],
    ['abc', 'EUR', '—'],
  ])('formatAmount(%s, %s) = %s', (amount, currency, expected) => expect(formatAmount(amount, currency)).toBe(expected));
  it.each([
    [0.15, '15.0%'],
    [0, '0.0%'],
    [null, '—'],
  ])('formatRatio(%s) = %s', (rate, expected) => expect(formatRatio(rate)).toBe(expected));
});
