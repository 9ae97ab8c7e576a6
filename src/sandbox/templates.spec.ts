import { DEFAULT_TEMPLATES } from './default-templates.js';
import type { AcceptedSend } from './sandbox-payloads.js';
import { checkTemplates, checkTemplateSend, templatePage, upsertTemplates } from './templates.js';
import { checkTemplate } from '../whatsapp/template-check.js';
import { readTemplatePage } from '../whatsapp/templates.js';

const text = (value: string) => ({ type: 'text', text: value });
const send = (templateName: string, components: unknown[], language = 'en'): AcceptedSend => ({
  to: '4915112345678',
  templateName,
  language,
  namespace: null,
  callbackData: null,
  components,
});
const image = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.png' } }] };
const trackButton = { type: 'button', sub_type: 'url', index: '0', parameters: [text('A1')] };

describe('checkTemplateSend (the sandbox as WhatsApp)', () => {
  it.each<[string, AcceptedSend, number | null]>([
    ['spring_sale with its one body parameter', send('spring_sale', [{ type: 'body', parameters: [text('Maria')] }]), null],
    ['spring_sale in German', send('spring_sale', [{ type: 'body', parameters: [text('Maria')] }], 'de'), null],
    ['hello_world without components', send('hello_world', [], 'en_US'), null],
    ['an unknown name', send('no_such_template', []), 132001],
    ['a language the template does not have', send('spring_sale', [{ type: 'body', parameters: [text('Maria')] }], 'fr'), 132001],
    ['a paused template', send('winter_sale', [{ type: 'body', parameters: [text('Maria')] }]), 132015],
    ['a disabled template', send('summer_sale', [{ type: 'body', parameters: [text('Maria')] }]), 132016],
    ['a pending template', send('autumn_sale', [{ type: 'body', parameters: [text('Maria')] }]), 132001],
    ['one body parameter too many', send('spring_sale', [{ type: 'body', parameters: [text('a'), text('b')] }]), 132000],
    ['one body parameter too few', send('codes', [{ type: 'body', parameters: [text('a')] }]), 132000],
    ['a media header without its image', send('order_shipped', [{ type: 'body', parameters: [text('a'), text('b')] }, trackButton]), 132000],
    ['a media header with a text instead of an image', send('order_shipped', [{ type: 'header', parameters: [text('x')] }, { type: 'body', parameters: [text('a'), text('b')] }, trackButton]), 132012],
    ['a URL button without its parameter', send('order_shipped', [image, { type: 'body', parameters: [text('a'), text('b')] }]), 132000],
    ['order_shipped complete', send('order_shipped', [image, { type: 'body', parameters: [text('a'), text('b')] }, trackButton]), null],
    ['named parameters, header and body', send('appointment_reminder', [{ type: 'header', parameters: [text('Maria')] }, { type: 'body', parameters: [text('Maria'), text('Monday')] }]), null],
    ['an OTP button without the code', send('login_code', [{ type: 'body', parameters: [text('123456')] }]), 132000],
  ])('%s', (_, attempt, code) => {
    expect(checkTemplateSend(DEFAULT_TEMPLATES, attempt)?.code ?? null).toBe(code);
  });

  it("agrees with the engine's pre-flight (whatsapp/template-check.ts) on every case above that is about the template", () => {
    const registry = readTemplatePage(templatePage(DEFAULT_TEMPLATES, 'cloud', 'ns', new URLSearchParams())).templates;
    const attempts: Array<[string, unknown[], string]> = [
      ['spring_sale', [{ type: 'body', parameters: [text('a')] }], 'en'],
      ['spring_sale', [{ type: 'body', parameters: [text('a'), text('b')] }], 'en'],
      ['codes', [{ type: 'body', parameters: [text('a')] }], 'en'],
      ['order_shipped', [{ type: 'body', parameters: [text('a'), text('b')] }, trackButton], 'en'],
      ['order_shipped', [image, { type: 'body', parameters: [text('a'), text('b')] }, trackButton], 'en'],
      ['winter_sale', [{ type: 'body', parameters: [text('a')] }], 'en'],
      ['spring_sale', [{ type: 'body', parameters: [text('a')] }], 'fr'],
      ['login_code', [{ type: 'body', parameters: [text('1')] }, { type: 'button', sub_type: 'url', index: '0', parameters: [text('1')] }], 'en'],
    ];
    for (const [name, components, language] of attempts) {
      const sandbox = checkTemplateSend(DEFAULT_TEMPLATES, send(name, components, language)) === null;
      const engine = checkTemplate({ name, language, components: components as never }, registry).ok;
      expect([name, language, components.length, engine]).toEqual([name, language, components.length, sandbox]);
    }
  });
});

describe('templatePage', () => {
  it('pages with limit and offset, total the whole registry; On-Premise in lower case', () => {
    const first = templatePage(DEFAULT_TEMPLATES, 'cloud', 'ns', new URLSearchParams('limit=5&offset=0'));
    expect(first).toMatchObject({ count: 5, limit: 5, offset: 0, total: DEFAULT_TEMPLATES.length });
    expect(first.waba_templates[0]).toMatchObject({ name: 'hello_world', status: 'APPROVED', namespace: 'ns', components: [{ type: 'BODY', text: 'Hello World' }] });
    const last = templatePage(DEFAULT_TEMPLATES, 'onpremise', 'ns', new URLSearchParams(`limit=5&offset=${DEFAULT_TEMPLATES.length - 2}`));
    expect(last.count).toBe(2);
    expect(last.waba_templates.map((template) => template.status)).toEqual(['disabled', 'pending']);
  });
});

describe('checkTemplates and upsertTemplates', () => {
  it.each<[string, unknown, RegExp]>([
    ['not a list', {}, /must be a list/],
    ['a bad name', [{ name: 'Spring Sale', language: 'en', category: 'MARKETING', body: 'x' }], /templates\[0\]: name/],
    ['a bad category', [{ name: 'a', language: 'en', category: 'PROMO', body: 'x' }], /category/],
    ['neither body nor components', [{ name: 'a', language: 'en', category: 'UTILITY' }], /body or components/],
  ])('refuses %s', (_, value, message) => {
    expect(() => checkTemplates(value)).toThrow(message);
  });

  it('puts a changed template in place and appends a new one', () => {
    const next = upsertTemplates(DEFAULT_TEMPLATES, [
      { name: 'spring_sale', language: 'en', category: 'MARKETING', body: 'x', status: 'PAUSED' },
      { name: 'brand_new', language: 'en', category: 'UTILITY', body: 'y' },
    ]);
    expect(next).toHaveLength(DEFAULT_TEMPLATES.length + 1);
    expect(next[1]).toMatchObject({ name: 'spring_sale', language: 'en', status: 'PAUSED' });
    expect(next.at(-1)).toMatchObject({ name: 'brand_new' });
  });
});
