import { phoneFromWaId, waIdDigits } from './wa-id.js';

describe('waIdDigits / phoneFromWaId', () => {
  it.each<[string, string | null]>([
    ['4915112345678', '4915112345678'],
    ['+49 151 12345678', '4915112345678'],
    ['004915112345678', '4915112345678'],
    ['015112345678', null],
    ['12345', null],
    ['1234567890123456', null],
    ['not a number', null],
  ])('%p → %p', (value, digits) => {
    expect(waIdDigits(value)).toBe(digits);
    expect(phoneFromWaId(value)).toBe(digits === null ? null : `+${digits}`);
  });
});
