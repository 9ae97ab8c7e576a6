import { effectiveFrequencyCap, validateFrequencyCap } from './frequency-cap.js';

describe('frequency cap', () => {
  const daily = { max: 1, hours: 24 };
  const weekly = { max: 3, hours: 168 };

  it.each([
    ['marketing, own cap wins over the default', true, weekly, daily, weekly],
    ['marketing, no own cap: the default', true, null, daily, daily],
    ['marketing, neither: none', true, null, undefined, null],
    ['not marketing: never capped', false, weekly, daily, null],
  ])('%s', (_label, marketing, own, engineDefault, expected) => {
    expect(effectiveFrequencyCap({ marketing, frequencyCap: own }, engineDefault)).toEqual(expected);
  });

  it.each([
    [{ max: 1, hours: 24 }, []],
    [{ max: 100, hours: 720 }, []],
    [{ max: 0, hours: 24 }, ['frequencyCap.max must be a whole number from 1 to 100, got 0']],
    [{ max: 1.5, hours: 24 }, ['frequencyCap.max must be a whole number from 1 to 100, got 1.5']],
    [{ max: 1, hours: 721 }, ['frequencyCap.hours must be a whole number of hours from 1 to 720, got 721']],
    [{ max: '1', hours: null }, ['frequencyCap.max must be a whole number from 1 to 100, got "1"', 'frequencyCap.hours must be a whole number of hours from 1 to 720, got null']],
  ])('validates %p', (cap, problems) => {
    expect(validateFrequencyCap(cap)).toEqual(problems);
  });
});
