import { jsonNestedDeeperThan } from './json-depth.js';

describe('jsonNestedDeeperThan', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  it.each<[string, string, number, boolean]>([
    ['a flat object', '{"a":1,"b":[1,2]}', 2, false],
    ['exactly at the limit', nested(3), 3, false],
    ['one level over', nested(4), 3, true],
    ['arrays count like objects', '[[[[1]]]]', 3, true],
    ['siblings do not add up', '{"a":{"b":1},"c":{"d":1},"e":{"f":1}}', 2, false],
    ['brackets inside strings do not count', '{"a":"[[[[{{{{"}', 1, false],
    ['an escaped quote does not end the string', '{"a":"\\"[[[[["}', 1, false],
    ['an escaped backslash before the closing quote', '{"a":"\\\\","b":[[1]]}', 2, true],
    ['100k levels', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 32, true],
    ['a scalar', '42', 1, false],
  ])('%s', (_name, text, max, expected) => {
    expect(jsonNestedDeeperThan(text, max)).toBe(expected);
  });
});
