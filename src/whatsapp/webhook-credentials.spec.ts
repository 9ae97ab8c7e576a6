import { basicAuthorization, parseBasicAuthorization, webhookUrl, webhookUrlWarnings } from './webhook-credentials.js';

describe('webhook credentials', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000/webhooks/360dialog/abc'],
    ['https://engine.example.com/', 'https://engine.example.com/webhooks/360dialog/abc'],
    ['https://example.com/base//', 'https://example.com/base/webhooks/360dialog/abc'],
  ])('webhookUrl(%p)', (publicUrl, expected) => {
    expect(webhookUrl(publicUrl, 'abc')).toBe(expected);
  });

  it.each([
    ['https://engine.example.com/webhooks/360dialog/1', 'cloud', []],
    ['https://engine.example.com:8443/webhooks/360dialog/1', 'cloud', [/port/]],
    ['https://my_engine.example.com/webhooks/360dialog/1', 'cloud', [/underscore/]],
    ['http://localhost:3000/webhooks/360dialog/1', 'cloud', [/port/, /https/]],
    ['http://localhost:3000/webhooks/360dialog/1', 'onpremise', []],
  ] as const)('webhookUrlWarnings(%p, %p)', (url, generation, expected) => {
    const warnings = webhookUrlWarnings(url, generation);
    expect(warnings).toHaveLength(expected.length);
    expected.forEach((pattern, index) => expect(warnings[index]).toMatch(pattern));
  });

  it.each([
    [basicAuthorization('wa-1', 'pa:ss:word'), { username: 'wa-1', password: 'pa:ss:word' }],
    [`basic ${Buffer.from('u:p').toString('base64')}`, { username: 'u', password: 'p' }],
    [`Basic ${Buffer.from('u:').toString('base64')}`, { username: 'u', password: '' }],
    [`Basic ${Buffer.from(':p').toString('base64')}`, null],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, null],
    ['Bearer abc', null],
    ['Basic', null],
    ['', null],
    [undefined, null],
  ])('parseBasicAuthorization(%p)', (header, expected) => {
    expect(parseBasicAuthorization(header)).toEqual(expected);
  });
});
