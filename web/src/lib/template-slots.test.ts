import { describe, expect, it } from 'vitest';
import { componentsFor, slotsOf, valuesFrom } from './template-slots';

const orderShipped = [
  { type: 'HEADER', format: 'IMAGE', parameterCount: 1, parameterNames: [], buttons: [] },
  { type: 'BODY', format: null, parameterCount: 2, parameterNames: ['1', '2'], buttons: [], text: 'Hi {{1}}, your order {{2}} has shipped.' },
  { type: 'FOOTER', format: null, parameterCount: 0, parameterNames: [], buttons: [] },
  {
    type: 'BUTTONS',
    format: null,
    parameterCount: 0,
    parameterNames: [],
    buttons: [
      { index: 0, type: 'URL', text: 'Track it', parameterCount: 1 },
      { index: 1, type: 'QUICK_REPLY', text: 'Stop updates', parameterCount: 0 },
    ],
  },
];
const reminder = [
  { type: 'HEADER', format: 'TEXT', parameterCount: 1, parameterNames: ['first_name'], buttons: [] },
  { type: 'BODY', format: null, parameterCount: 2, parameterNames: ['first_name', 'date'], buttons: [] },
];

describe('template slots', () => {
  it('gives a slot per parameter: media link, body placeholders, URL button', () => {
    expect(slotsOf(orderShipped, false).map((slot) => [slot.key, slot.label])).toEqual([
      ['header:media', 'Header image link'],
      ['body:1', 'Body {{1}}'],
      ['body:2', 'Body {{2}}'],
      ['button:0', 'Button 1 “Track it” URL suffix'],
    ]);
  });

  it('builds the send components, and reads them back', () => {
    const values = { 'header:media': 'https://x/img.png', 'body:1': '{{first_name|there}}', 'body:2': '{{order}}', 'button:0': '{{order}}' };
    const components = componentsFor(orderShipped, false, values);
    expect(components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x/img.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }, { type: 'text', text: '{{order}}' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '{{order}}' }] },
    ]);
    expect(valuesFrom(components)).toEqual(values);
  });

  it('names parameters of NAMED templates', () => {
    expect(slotsOf(reminder, true).map((slot) => slot.key)).toEqual(['header:first_name', 'body:first_name', 'body:date']);
    const components = componentsFor(reminder, true, { 'header:first_name': '{{first_name}}', 'body:first_name': '{{first_name}}', 'body:date': 'Monday' });
    expect(components[1]).toEqual({
      type: 'body',
      parameters: [
        { type: 'text', parameter_name: 'first_name', text: '{{first_name}}' },
        { type: 'text', parameter_name: 'date', text: 'Monday' },
      ],
    });
  });

  it('has no slot for a template without parameters', () => {
    expect(slotsOf([{ type: 'BODY', format: null, parameterCount: 0, parameterNames: [], buttons: [] }], false)).toEqual([]);
  });
});
