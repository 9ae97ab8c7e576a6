import { formatMicros, toMicros } from './money.js';

describe('money in micro-units', () => {
  it.each([
    [0.1131, 113_100],
    [0.0456, 45_600],
    [0.06, 60_000],
    [0, 0],
    [1, 1_000_000],
    [0.000001, 1],
    [12.345678, 12_345_678],
    [0.1 + 0.2, 300_000],
  ])('toMicros(%p) = %p', (price, micros) => {
    expect(toMicros(price)).toBe(micros);
  });

  it.each([[-0.01], [Number.NaN], [Number.POSITIVE_INFINITY], [0.0000001], [0.12345678]])('toMicros(%p) refuses', (price) => {
    expect(toMicros(price)).toBeNull();
  });

  it.each([
    [0, '0.00'],
    [113_100, '0.1131'],
    [1_000_000, '1.00'],
    [1_500_000, '1.50'],
    [1, '0.000001'],
    [339_300, '0.3393'],
    [123_456_789_000, '123456.789'],
    [-45_600, '-0.0456'],
  ])('formatMicros(%p) = %p', (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });

  it('sums without drift where floats drift', () => {
    const price = toMicros(0.1131)!;
    expect(formatMicros(price * 1000)).toBe('113.10');
    expect(formatMicros(Array.from({ length: 10 }, () => toMicros(0.1)!).reduce((a, b) => a + b, 0))).toBe('1.00');
  });
});
