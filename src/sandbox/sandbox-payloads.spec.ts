import {
  errorBody,
  type Generation,
  inboundWebhookBody,
  messageId,
  proxyErrorBody,
  sendAnswer,
  statusWebhookBody,
  throttleAnswer,
  validateSendBody,
  webhookRetryDelayMs,
} from './sandbox-payloads.js';

const cloudSend = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '4915112345678',
  type: 'template',
  biz_opaque_callback_data: 'r:1',
  template: { name: 'spring_sale', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }] },
};
const onPremiseSend = {
  to: '4915112345678',
  type: 'template',
  template: { namespace: 'ns', name: 'spring_sale', language: { policy: 'deterministic', code: 'en' } },
};

function without(body: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  delete node[parts.at(-1) as string];
  return copy;
}

function withValue(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts.at(-1) as string] = value;
  return copy;
}

describe('validateSendBody', () => {
  it.each<[string, Generation, unknown]>([
    ['a Cloud template send', 'cloud', cloudSend],
    ['a Cloud send without recipient_type or components', 'cloud', without(without(cloudSend, 'recipient_type'), 'template.components')],
    ['an On-Premise template send', 'onpremise', onPremiseSend],
  ])('accepts %s', (_name, generation, body) => {
    expect(validateSendBody(generation, body).ok).toBe(true);
  });

  it.each<[string, Generation, unknown, number, RegExp]>([
    ['not an object', 'cloud', [], 100, /JSON object/],
    ['no messaging_product', 'cloud', without(cloudSend, 'messaging_product'), 100, /messaging_product/],
    ['wrong messaging_product', 'cloud', withValue(cloudSend, 'messaging_product', 'sms'), 131009, /messaging_product/],
    ['wrong recipient_type', 'cloud', withValue(cloudSend, 'recipient_type', 'group'), 131009, /recipient_type/],
    ['no to', 'cloud', without(cloudSend, 'to'), 131008, /'to' is required/],
    ['to with a plus', 'cloud', withValue(cloudSend, 'to', '+4915112345678'), 131009, /'to'/],
    ['to with letters', 'onpremise', withValue(onPremiseSend, 'to', '49151abc'), 131009, /'to'/],
    ['type text', 'cloud', withValue(cloudSend, 'type', 'text'), 131009, /'type'/],
    ['no template', 'cloud', without(cloudSend, 'template'), 131008, /'template'/],
    ['no template name', 'cloud', without(cloudSend, 'template.name'), 131008, /template\.name/],
    ['template name with capitals', 'cloud', withValue(cloudSend, 'template.name', 'Spring Sale'), 131009, /template\.name/],
    ['no language code', 'cloud', withValue(cloudSend, 'template.language', {}), 131008, /template\.language\.code/],
    ['language as a string', 'cloud', withValue(cloudSend, 'template.language', 'en'), 131009, /template\.language/],
    ['bad language code', 'cloud', withValue(cloudSend, 'template.language', { code: 'english' }), 131009, /template\.language\.code/],
    ['On-Premise without policy', 'onpremise', withValue(onPremiseSend, 'template.language', { code: 'en' }), 131008, /policy/],
    ['On-Premise with fallback policy', 'onpremise', withValue(onPremiseSend, 'template.language', { code: 'en', policy: 'fallback' }), 131009, /deterministic/],
    ['On-Premise without namespace', 'onpremise', without(onPremiseSend, 'template.namespace'), 131008, /template\.namespace/],
    ['components not an array', 'cloud', withValue(cloudSend, 'template.components', {}), 131009, /components/],
    ['parameter without type', 'cloud', withValue(cloudSend, 'template.components', [{ type: 'body', parameters: [{ text: 'x' }] }]), 131009, /parameters\[0\]\.type/],
    ['callback data too long', 'cloud', withValue(cloudSend, 'biz_opaque_callback_data', 'x'.repeat(513)), 131009, /biz_opaque_callback_data/],
  ])('rejects %s', (_name, generation, body, code, details) => {
    const result = validateSendBody(generation, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(`${result.error.title} ${result.error.details}`).toMatch(details);
    }
  });

  it.each([
    ['a namespace mismatch', 'onpremise', onPremiseSend, { namespace: 'other' }, 2001],
    ['an unknown template', 'cloud', cloudSend, { templateNames: new Set(['hello_world']) }, 132001],
  ] as const)('applies the rules: %s', (_name, generation, body, rules, code) => {
    const result = validateSendBody(generation, body, rules);
    expect(result.ok ? null : result.error.code).toBe(code);
  });

  it('returns what was sent', () => {
    expect(validateSendBody('cloud', cloudSend)).toEqual({
      ok: true,
      send: { to: '4915112345678', templateName: 'spring_sale', language: 'en', namespace: null, callbackData: 'r:1', components: cloudSend.template.components },
    });
  });
});

describe('answers', () => {
  it.each<[Generation, number, Record<string, unknown>]>([
    ['cloud', 200, { messaging_product: 'whatsapp', contacts: [{ input: '491', wa_id: '491' }], messages: [{ id: 'm1' }] }],
    ['onpremise', 201, { messages: [{ id: 'm1' }], meta: { api_status: 'stable', version: expect.any(String) } }],
  ])('%s send answer', (generation, httpStatus, body) => {
    expect(sendAnswer(generation, '491', 'm1')).toEqual({ httpStatus, body });
  });

  it.each<[Generation, unknown]>([
    ['cloud', { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026, error_data: { messaging_product: 'whatsapp', details: 'd' }, fbtrace_id: 't' } }],
    ['onpremise', { errors: [{ code: 131026, title: 'Message undeliverable', details: 'd' }], meta: expect.any(Object) }],
  ])('%s error body', (generation, expected) => {
    expect(errorBody(generation, { code: 131026, title: 'Message undeliverable', details: 'd' }, 't')).toEqual(expected);
  });

  it.each<[Generation, 'code130429' | 'proxy400' | 'http429', number, RegExp]>([
    ['cloud', 'code130429', 400, /"code":130429/],
    ['cloud', 'proxy400', 400, /You have exceeded the endpoint rate limit/],
    ['cloud', 'http429', 429, /"code":130429/],
    ['onpremise', 'http429', 429, /"code":1015/],
    ['onpremise', 'proxy400', 400, /"developer_message":"You have exceeded the endpoint rate limit"/],
  ])('%s throttling answer %s', (generation, style, httpStatus, body) => {
    const answer = throttleAnswer(generation, style, 't');
    expect(answer.httpStatus).toBe(httpStatus);
    expect(JSON.stringify(answer.body)).toMatch(body);
  });

  it('proxy errors carry meta.success false', () => {
    expect(proxyErrorBody(401, 'Invalid api key', 't')).toEqual({ meta: { success: false, http_code: 401, developer_message: 'Invalid api key', '360dialog_trace_id': 't' } });
  });

  it.each<[Generation, RegExp]>([
    ['cloud', /^wamid\.[A-Za-z0-9+/=]+$/],
    ['onpremise', /^gBEG[A-Za-z0-9_-]+$/],
  ])('%s message ids are unique and look the part', (generation, pattern) => {
    const ids = new Set(Array.from({ length: 1000 }, (_, sequence) => messageId(generation, 'run1', sequence, '4915112345678')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(pattern);
  });
});

describe('webhook bodies', () => {
  const account = { wabaId: 'WABA', phoneNumberId: 'PNID', displayPhoneNumber: '4930123456' };
  const delivered = { messageId: 'wamid.1', recipientId: '491', status: 'delivered' as const, timestamp: 1700000000, callbackData: 'r:1' };
  const failed = { messageId: 'wamid.2', recipientId: '492', status: 'failed' as const, timestamp: 1700000001, callbackData: null, error: { code: 131026, title: 'Message undeliverable' } };

  it('Cloud wraps several statuses in one change and echoes the callback data', () => {
    const body = statusWebhookBody('cloud', [delivered, failed], account) as { object: string; entry: Array<{ id: string; changes: Array<{ field: string; value: Record<string, unknown> }> }> };
    expect(body.object).toBe('whatsapp_business_account');
    expect(body.entry[0].id).toBe('WABA');
    const value = body.entry[0].changes[0].value;
    expect(body.entry[0].changes[0].field).toBe('messages');
    expect(value.metadata).toEqual({ display_phone_number: '4930123456', phone_number_id: 'PNID' });
    expect(value.statuses).toEqual([
      expect.objectContaining({ id: 'wamid.1', status: 'delivered', timestamp: '1700000000', recipient_id: '491', biz_opaque_callback_data: 'r:1', pricing: expect.objectContaining({ pricing_model: 'PMP' }) }),
      expect.objectContaining({ id: 'wamid.2', status: 'failed', errors: [expect.objectContaining({ code: 131026, title: 'Message undeliverable' })] }),
    ]);
    expect((value.statuses as object[])[1]).not.toHaveProperty('biz_opaque_callback_data');
  });

  it.each([
    ['sent', 'utility', { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' }],
    ['delivered', 'authentication', { billable: true, pricing_model: 'PMP', category: 'authentication', type: 'regular' }],
    ['read', 'marketing', { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' }],
    ['failed', 'utility', { billable: false, pricing_model: 'PMP', category: 'utility', type: 'regular' }],
    ['delivered', undefined, { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' }],
  ] as const)('Cloud %s of a %s template carries rate card-independent pricing %j', (status, pricingCategory, pricing) => {
    const event = { ...delivered, status, ...(pricingCategory ? { pricingCategory } : {}) };
    const body = statusWebhookBody('cloud', [event], account) as { entry: Array<{ changes: Array<{ value: { statuses: object[] } }> }> };
    expect(body.entry[0].changes[0].value.statuses[0]).toEqual(expect.objectContaining({ pricing }));
  });

  it('On-Premise puts statuses at the top level without callback data', () => {
    expect(statusWebhookBody('onpremise', [delivered, failed], account)).toEqual({
      statuses: [
        { id: 'wamid.1', recipient_id: '491', status: 'delivered', timestamp: '1700000000', conversation: { id: 'conv491' }, pricing: { billable: true, pricing_model: 'CBP' } },
        { id: 'wamid.2', recipient_id: '492', status: 'failed', timestamp: '1700000001', errors: [{ code: 131026, title: 'Message undeliverable' }] },
      ],
    });
  });

  it.each<[Generation, string]>([
    ['onpremise', '{"contacts":[{"profile":{"name":"Maria"},"wa_id":"491"}],"messages":[{"from":"491","id":"ABGG1","timestamp":"1700000000","type":"text","text":{"body":"STOP"}}]}'],
    ['cloud', '"messages":[{"from":"491","id":"ABGG1","timestamp":"1700000000","type":"text","text":{"body":"STOP"}}]'],
  ])('%s inbound text', (generation, expected) => {
    const body = inboundWebhookBody(generation, { messageId: 'ABGG1', from: '491', profileName: 'Maria', text: 'STOP', timestamp: 1700000000 }, account);
    expect(JSON.stringify(body)).toContain(expected);
  });

  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [10, 5000],
  ])('retry %p waits %p ms', (attempt, expected) => {
    expect(webhookRetryDelayMs(attempt, 200, 5000)).toBe(expected);
  });
});
