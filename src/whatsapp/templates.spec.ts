import { hasNextTemplatePage, placeholdersIn, readTemplate, readTemplatePage, type TemplatePage } from './templates.js';

/** An entry as 360dialog's GET /v1/configs/templates lists it (waba_templates, Meta's component form). */
const springSale = {
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://…'] } },
    { type: 'BODY', text: 'Hi {{1}}, {{2}}% off until {{3}}. Again, {{1}}!' },
    { type: 'FOOTER', text: 'Reply STOP to opt out {{x}}' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}' },
        { type: 'QUICK_REPLY', text: 'Not interested' },
        { type: 'COPY_CODE', example: 'SPRING25' },
        { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+4930123456' },
      ],
    },
  ],
  language: 'en',
  name: 'spring_sale',
  namespace: 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574',
  rejected_reason: 'NONE',
  status: 'approved',
};

describe('placeholdersIn', () => {
  it.each<[string | null, string[]]>([
    ['Hi {{1}}', ['1']],
    ['{{1}} and {{ 2 }} and {{1}} again', ['1', '2']],
    ['Hello {{first_name}}, your code {{code}}', ['first_name', 'code']],
    ['no placeholder', []],
    ['{{ }} and {single}', []],
    [null, []],
  ])('%p → %p', (text, expected) => {
    expect(placeholdersIn(text)).toEqual(expected);
  });
});

describe('readTemplate', () => {
  it('counts what a send must carry per component, from the template text', () => {
    const read = readTemplate(springSale);
    expect(read).toEqual({
      name: 'spring_sale',
      language: 'en',
      status: 'APPROVED',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      namespace: 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574',
      components: [
        { type: 'HEADER', format: 'IMAGE', parameterCount: 1, parameterNames: [], buttons: [] },
        { type: 'BODY', format: null, parameterCount: 3, parameterNames: ['1', '2', '3'], buttons: [], text: 'Hi {{1}}, {{2}}% off until {{3}}. Again, {{1}}!' },
        { type: 'FOOTER', format: null, parameterCount: 0, parameterNames: [], buttons: [], text: 'Reply STOP to opt out {{x}}' },
        {
          type: 'BUTTONS',
          format: null,
          parameterCount: 0,
          parameterNames: [],
          buttons: [
            { index: 0, type: 'URL', text: 'Shop', parameterCount: 1 },
            { index: 1, type: 'QUICK_REPLY', text: 'Not interested', parameterCount: 0 },
            { index: 2, type: 'COPY_CODE', text: null, parameterCount: 1 },
            { index: 3, type: 'PHONE_NUMBER', text: 'Call us', parameterCount: 0 },
          ],
        },
      ],
    });
  });

  it.each([
    ['a text header with a placeholder', { type: 'HEADER', format: 'TEXT', text: 'Sale for {{1}}' }, { format: 'TEXT', parameterCount: 1 }],
    ['a text header without one', { type: 'HEADER', format: 'TEXT', text: 'Sale' }, { format: 'TEXT', parameterCount: 0 }],
    ['a header without format (text)', { type: 'header', text: '{{1}}' }, { format: 'TEXT', parameterCount: 1 }],
    ['a video header', { type: 'HEADER', format: 'VIDEO' }, { format: 'VIDEO', parameterCount: 1 }],
    ['a document header', { type: 'HEADER', format: 'document' }, { format: 'DOCUMENT', parameterCount: 1 }],
    ['a location header', { type: 'HEADER', format: 'LOCATION' }, { format: 'LOCATION', parameterCount: 1 }],
  ])('reads %s', (_, header, expected) => {
    const read = readTemplate({ name: 't', language: 'de', status: 'APPROVED', components: [header] });
    expect(typeof read === 'string' ? read : read.components[0]).toMatchObject(expected);
  });

  it('reads NAMED templates by placeholder name', () => {
    const read = readTemplate({
      name: 'order_ready',
      language: 'en_US',
      status: 'APPROVED',
      parameter_format: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{first_name}}, order {{order_id}} is ready, {{first_name}}' }],
    });
    expect(read).toMatchObject({ parameterFormat: 'NAMED', components: [{ type: 'BODY', parameterCount: 2, parameterNames: ['first_name', 'order_id'] }] });
  });

  it.each([
    ['not an object', 'x'],
    ['no name', { language: 'en', status: 'APPROVED' }],
    ['no language', { name: 'a', status: 'APPROVED' }],
  ])('names an entry it cannot use (%s)', (_, entry) => {
    expect(typeof readTemplate(entry)).toBe('string');
  });
});

describe('readTemplatePage', () => {
  it('reads the entries it can, names the others, and keeps the total', () => {
    const page = readTemplatePage({ count: 2, limit: 2, offset: 0, total: 5, waba_templates: [springSale, { name: 'broken' }] });
    expect(page.templates.map((t) => t.name)).toEqual(['spring_sale']);
    expect(page.ignored).toHaveLength(1);
    expect(page.total).toBe(5);
  });

  it('takes a body that is not a page as an empty one', () => {
    expect(readTemplatePage('<html>')).toEqual({ templates: [], total: null, ignored: [] });
  });
});

describe('hasNextTemplatePage', () => {
  const page = (total: number | null): TemplatePage => ({ templates: [], total, ignored: [] });
  it.each<[number | null, number, number, number, boolean]>([
    [5, 0, 2, 2, true],
    [5, 4, 2, 1, false],
    [4, 2, 2, 2, false],
    [null, 0, 100, 100, true],
    [null, 100, 100, 7, false],
    [10, 0, 100, 0, false],
  ])('total %p, offset %p, limit %p, %p entries → %p', (total, offset, limit, entries, expected) => {
    expect(hasNextTemplatePage(page(total), offset, limit, entries)).toBe(expected);
  });
});
