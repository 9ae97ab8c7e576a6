import { BUCKETS, pickWinner, templateFor, testBound, variantBounds, variantOfBucket, variantProblems, type VariantResult } from './variants.js';

describe('variantBounds', () => {
  it.each([
    [[1, 1], [5000, 10000]],
    [[50, 50], [5000, 10000]],
    [[1, 2, 1], [2500, 7500, 10000]],
    [[1, 1, 1], [3333, 6667, 10000]],
    [[99, 1], [9900, 10000]],
  ])('weights %j → bounds %j', (weights, bounds) => {
    expect(variantBounds(weights)).toEqual(bounds);
  });
});

describe('variantOfBucket', () => {
  const names = ['A', 'B'];
  const bounds = variantBounds([1, 1]);
  it.each([
    [0, BUCKETS, 'A'],
    [4999, BUCKETS, 'A'],
    [5000, BUCKETS, 'B'],
    [9999, BUCKETS, 'B'],
    // testShare 20 %: buckets 0–1999 are the test, split 50/50 within it; the rest is held (null).
    [0, 2000, 'A'],
    [999, 2000, 'A'],
    [1000, 2000, 'B'],
    [1999, 2000, 'B'],
    [2000, 2000, null],
    [9999, 2000, null],
  ])('bucket %i with test bound %i → %s', (bucket, test, expected) => {
    expect(variantOfBucket(bucket, bounds, names, test)).toBe(expected);
  });

  it('testBound: the test share in buckets, everything without a winner rule', () => {
    expect(testBound(null)).toBe(BUCKETS);
    expect(testBound({ metric: 'read', testShare: 20, afterHours: 4 })).toBe(2000);
  });
});

describe('variantProblems', () => {
  const ok = [
    { name: 'A', weight: 1 },
    { name: 'B', weight: 1 },
  ];
  it.each([
    ['two fine variants', ok, null, []],
    ['one variant', [{ name: 'A', weight: 1 }], null, ['variants: give at least two variants (or one template instead)']],
    ['duplicate names', [{ name: 'A', weight: 1 }, { name: 'A', weight: 2 }], null, ['variants[1].name "A" is used twice: names must be unique']],
    ['bad name', [{ name: 'a b', weight: 1 }, { name: 'B', weight: 1 }], null, ['variants[0].name must be 1–64 letters, digits, _ or - (got "a b")']],
    ['zero weight', [{ name: 'A', weight: 0 }, { name: 'B', weight: 1 }], null, ['variants[0].weight must be a whole number from 1 to 1000']],
    ['fine winner', ok, { metric: 'clicked', testShare: 20, afterHours: 4 }, []],
    ['test share 100', ok, { metric: 'read', testShare: 100, afterHours: 4 }, ['winner.testShare must be a whole percent from 1 to 99']],
    ['no wait', ok, { metric: 'read', testShare: 20, afterHours: 0 }, ['winner.afterHours must be more than 0 and at most 720 (30 days)']],
    ['unknown metric', ok, { metric: 'sent', testShare: 20, afterHours: 1 }, ['winner.metric must be one of read, replied, clicked']],
  ] as const)('%s', (_name, variants, winner, expected) => {
    expect(variantProblems(variants, winner as never)).toEqual(expected);
  });
});

describe('pickWinner', () => {
  const result = (name: string, sent: number, read: number, replied = 0, clicked = 0): VariantResult => ({ name, sent, read, replied, clicked });
  it.each([
    ['the better read rate', [result('A', 100, 40), result('B', 100, 60)], 'read', 'B'],
    ['a rate, not a count', [result('A', 1000, 300), result('B', 100, 40)], 'read', 'B'],
    ['replied', [result('A', 100, 90, 5), result('B', 100, 10, 7)], 'replied', 'B'],
    ['clicked', [result('A', 100, 0, 0, 9), result('B', 100, 0, 0, 3)], 'clicked', 'A'],
    ['a tie goes to the first', [result('A', 100, 50), result('B', 100, 50)], 'read', 'A'],
    ['nothing sent: the first', [result('A', 0, 0), result('B', 0, 0)], 'read', 'A'],
  ] as const)('%s', (_name, results, metric, expected) => {
    expect(pickWinner(results, metric)).toBe(expected);
  });
});

describe('templateFor', () => {
  const a = { name: 'offer_a', language: 'en', components: [] };
  const b = { name: 'offer_b', language: 'en', components: [] };
  it.each([
    ['no variants', { template: a, variants: null }, null, a],
    ['variant B', { template: a, variants: [{ name: 'A', template: a, weight: 1 }, { name: 'B', template: b, weight: 1 }] }, 'B', b],
    ['unknown variant: the campaign template', { template: a, variants: [{ name: 'B', template: b, weight: 1 }] }, 'X', a],
  ] as const)('%s', (_name, campaign, variant, expected) => {
    expect(templateFor(campaign as never, variant)).toBe(expected);
  });
});
