import { describe, expect, it } from 'vitest';
import { fillTemplateText, previewValue } from './placeholders';

const maria = { firstName: 'Maria', lastName: 'Schmidt', phone: '+4915112345678', attributes: { city: 'Berlin', empty: '' } };

describe('previewValue', () => {
  it.each([
    ['Hi {{first_name}}', maria, { ok: true, text: 'Hi Maria' }],
    ['Hi {{ first_name | there }}', { firstName: null }, { ok: true, text: 'Hi there' }],
    ['Hi {{FIRST_NAME}}', maria, { ok: true, text: 'Hi Maria' }],
    ['in {{city}}', maria, { ok: true, text: 'in Berlin' }],
    ['{{empty|n/a}}', maria, { ok: true, text: 'n/a' }],
    ['{{empty}}', maria, { ok: false, missingField: 'empty' }],
    ['{{last_name}}', null, { ok: false, missingField: 'last_name' }],
    ['{{first_name|}}!', { firstName: '' }, { ok: true, text: '!' }],
    ['plain text', null, { ok: true, text: 'plain text' }],
    ['<b>{{first_name}}</b>', { firstName: '<script>' }, { ok: true, text: '<b><script></b>' }],
  ])('%s → %j', (text, contact, expected) => {
    expect(previewValue(text, contact)).toEqual(expected);
  });

  it.each([['{{first name}}'], ['Hi {{first_name'], ['{{}}'], ['}} and {{x}}']])('%s is a syntax error', (text) => {
    expect(previewValue(text, maria)).toMatchObject({ ok: false, error: expect.any(String) });
  });
});

describe('fillTemplateText', () => {
  it.each([
    ['Hi {{1}}, sale today!', { '1': '{{first_name|there}}' }, maria, 'Hi Maria, sale today!'],
    ['Hi {{1}}, sale today!', { '1': '{{first_name|there}}' }, null, 'Hi there, sale today!'],
    ['Hi {{1}}, code {{2}}', { '1': 'you' }, null, 'Hi you, code {{2}}'],
    ['Hi {{first_name}} on {{date}}', { first_name: '{{first_name}}', date: 'Monday' }, { firstName: 'Jo' }, 'Hi Jo on Monday'],
    ['Hi {{1}}', { '1': '{{last_name}}' }, { firstName: 'Jo' }, 'Hi [no last_name]'],
  ])('%s with %j', (text, values, contact, expected) => {
    expect(fillTemplateText(text, values, contact)).toBe(expected);
  });
});
