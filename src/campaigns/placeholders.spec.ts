import { findPlaceholderSlots, parsePlaceholders, PlaceholderSyntaxError, renderSegments } from './placeholders.js';

describe('placeholders', () => {
  it.each([
    ['Hello', [{ literal: 'Hello' }]],
    ['{{first_name}}', [{ field: 'first_name', fallback: null }]],
    ['Hi {{first_name|there}}!', [{ literal: 'Hi ' }, { field: 'first_name', fallback: 'there' }, { literal: '!' }]],
    ['{{ First_Name | friend }}', [{ field: 'first_name', fallback: 'friend' }]],
    ['{{code|}}', [{ field: 'code', fallback: '' }]],
    ['{{a}}{{b|x y}}', [{ field: 'a', fallback: null }, { field: 'b', fallback: 'x y' }]],
  ])('parses %p', (text, segments) => {
    expect(parsePlaceholders(text)).toEqual(segments);
  });

  it.each([['{{}}'], ['{{first name}}'], ['{{first_name'], ['first_name}}'], ['{{1abc}}'], ['{{a{{b}}}}'], ['{{|x}}']])(
    'rejects %p with a message that shows the right syntax',
    (text) => {
      expect(() => parsePlaceholders(text)).toThrow(PlaceholderSyntaxError);
      expect(() => parsePlaceholders(text)).toThrow(/\{\{field\}\}|\{\{first_name\}\}/);
    },
  );

  it.each([
    ['Hi {{first_name|there}}', { first_name: 'Maria' }, { ok: true, text: 'Hi Maria' }],
    ['Hi {{first_name|there}}', { first_name: '' }, { ok: true, text: 'Hi there' }],
    ['Hi {{first_name|there}}', { first_name: '   ' }, { ok: true, text: 'Hi there' }],
    ['Hi {{first_name|there}}', {}, { ok: true, text: 'Hi there' }],
    ['Code {{code}}', { code: 'A1' }, { ok: true, text: 'Code A1' }],
    ['Code {{code}}', { code: null }, { ok: false, missingField: 'code' }],
    ['{{a}} {{b}}', { a: 'x' }, { ok: false, missingField: 'b' }],
  ])('renders %p with %p', (text, values, expected) => {
    expect(renderSegments(parsePlaceholders(text), values)).toEqual(expected);
  });

  it('finds every string leaf holding placeholders, with its path', () => {
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x/{{image_id}}.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'plain' }, { type: 'text', text: '{{first_name|there}}' }] },
    ];
    expect(findPlaceholderSlots(components).map((slot) => slot.path)).toEqual([
      [0, 'parameters', 0, 'image', 'link'],
      [1, 'parameters', 1, 'text'],
    ]);
  });
});
