import { checkTemplate } from './template-check.js';
import { readTemplate, type TemplateDefinition } from './templates.js';
import type { TemplateComponent } from './types.js';

function definition(entry: Record<string, unknown>): TemplateDefinition {
  const read = readTemplate({ status: 'APPROVED', language: 'en', ...entry });
  if (typeof read === 'string') throw new Error(read);
  return read;
}

const registry = [
  definition({
    name: 'spring_sale',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Hi {{1}}, {{2}}% off' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://x.example/{{1}}' }, { type: 'QUICK_REPLY', text: 'Stop' }] },
    ],
  }),
  definition({ name: 'spring_sale', language: 'de', components: [{ type: 'BODY', text: 'Hallo' }] }),
  definition({ name: 'paused_one', status: 'PAUSED', components: [] }),
  definition({ name: 'order_ready', parameter_format: 'NAMED', components: [{ type: 'BODY', text: 'Hi {{first_name}}' }] }),
  definition({ name: 'welcome', components: [{ type: 'HEADER', format: 'TEXT', text: 'Welcome' }, { type: 'BODY', text: 'Hello {{1}}' }] }),
];

const image = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.jpg' } }] };
const body2 = { type: 'body', parameters: [{ type: 'text', text: '{{first_name}}' }, { type: 'text', text: '20' }] };
const urlButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'spring' }] };

function check(name: string, components: TemplateComponent[], language = 'en') {
  return checkTemplate({ name, language, components }, registry);
}

describe('checkTemplate', () => {
  it.each<[string, string, TemplateComponent[], string]>([
    ['all parameters given', 'spring_sale', [image, body2, urlButton], 'en'],
    ['a quick reply with its payload', 'spring_sale', [image, body2, urlButton, { type: 'button', sub_type: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'stop' }] }], 'en'],
    ['a template without parameters', 'spring_sale', [], 'de'],
    ['named parameters', 'order_ready', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'x' }] }], 'en'],
    ['a text header without placeholders, not given', 'welcome', [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }], 'en'],
  ])('accepts %s', (_, name, components, language) => {
    expect(check(name, components, language)).toEqual({ ok: true });
  });

  it.each<[string, string, TemplateComponent[], string, RegExp]>([
    ['an unknown template', 'autumn_sale', [], 'en', /no template named "autumn_sale"/],
    ['a language it does not exist in', 'spring_sale', [], 'fr', /does not exist in language "fr": it exists in de, en/],
    ['a template that is not approved', 'paused_one', [], 'en', /is PAUSED, not APPROVED/],
    ['a missing header image', 'spring_sale', [body2, urlButton], 'en', /header is IMAGE and needs one image parameter/],
    ['a header of the wrong media type', 'spring_sale', [{ type: 'header', parameters: [{ type: 'video', video: {} }] }, body2, urlButton], 'en', /give exactly one parameter of type "image" \(given: video\)/],
    ['one body parameter too few', 'spring_sale', [image, { type: 'body', parameters: [{ type: 'text', text: 'x' }] }, urlButton], 'en', /body has 2 parameters \(\{\{1\}\}, \{\{2\}\}\), but 1 is given/],
    ['one body parameter too many', 'spring_sale', [image, { type: 'body', parameters: [...body2.parameters, { type: 'text', text: 'y' }] }, urlButton], 'en', /but 3 are given: give exactly 2/],
    ['parameters for a body without placeholders', 'spring_sale', [body2], 'de', /the body takes no parameters/],
    ['a text header given parameters it has none for', 'welcome', [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, { type: 'body', parameters: [{ type: 'text', text: 'x' }] }], 'en', /the header takes no parameters/],
    ['a URL button without its suffix', 'spring_sale', [image, body2], 'en', /button 0 \(URL "Shop"\) needs 1 parameter: add \{"type":"button","sub_type":"url","index":"0"/],
    ['a button index the template does not have', 'spring_sale', [image, body2, urlButton, { type: 'button', sub_type: 'url', index: 5, parameters: [] }], 'en', /names index 5, but the template has 2 buttons/],
    ['a named parameter missing its name', 'order_ready', [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }], 'en', /give "parameter_name" "first_name"/],
  ])('refuses %s, saying what to change', (_, name, components, language, message) => {
    const verdict = check(name, components, language);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.problems.join('\n')).toMatch(message);
  });
});
