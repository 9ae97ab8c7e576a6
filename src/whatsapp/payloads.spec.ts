import type { ApiGeneration } from './types.js';
import type { ChannelCredentials, TemplateMessage } from './types.js';
import {
  buildSendRequest,
  classifyTransportError,
  errorCode,
  httpStatusLeavesOutcomeUnknown,
  HEALTH_CHECK_PATH,
  interpretHealth,
  isThrottlingAnswer,
  messageIdFrom,
  parseErrorBody,
  publicErrorTitle,
} from './payloads.js';

const cloud: ChannelCredentials = { channelId: 'c', apiGeneration: 'cloud', baseUrl: 'https://waba-v2.360dialog.io/', apiKey: 'k', templateNamespace: null };
const onPremise: ChannelCredentials = { channelId: 'o', apiGeneration: 'onpremise', baseUrl: 'https://waba.360dialog.io', apiKey: 'k', templateNamespace: 'ns_channel' };
const body = [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }];

describe('buildSendRequest', () => {
  it.each<[string, ChannelCredentials, TemplateMessage, { url: string; body: unknown }]>([
    [
      'Cloud with callback data',
      cloud,
      { to: '4915112345678', template: { name: 'spring_sale', language: 'en', components: body }, callbackData: 'r:1' },
      {
        url: 'https://waba-v2.360dialog.io/messages',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '4915112345678',
          type: 'template',
          biz_opaque_callback_data: 'r:1',
          template: { name: 'spring_sale', language: { code: 'en' }, components: body },
        },
      },
    ],
    [
      'Cloud without callback data or components',
      cloud,
      { to: '491', template: { name: 'hello', language: 'en_US', components: [] } },
      {
        url: 'https://waba-v2.360dialog.io/messages',
        body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '491', type: 'template', template: { name: 'hello', language: { code: 'en_US' } } },
      },
    ],
    [
      'On-Premise takes the channel namespace',
      onPremise,
      { to: '4915112345678', template: { name: 'spring_sale', language: 'de', components: body }, callbackData: 'ignored' },
      {
        url: 'https://waba.360dialog.io/v1/messages',
        body: {
          to: '4915112345678',
          type: 'template',
          template: { namespace: 'ns_channel', name: 'spring_sale', language: { policy: 'deterministic', code: 'de' }, components: body },
        },
      },
    ],
    [
      "On-Premise prefers the template's own namespace",
      onPremise,
      { to: '1', template: { name: 't', language: 'en', namespace: 'ns_template', components: [] } },
      {
        url: 'https://waba.360dialog.io/v1/messages',
        body: { to: '1', type: 'template', template: { namespace: 'ns_template', name: 't', language: { policy: 'deterministic', code: 'en' } } },
      },
    ],
    [
      'Cloud through the Marketing Messages API: same body, /marketing_messages, with the TTL',
      cloud,
      { to: '491', template: { name: 'spring_sale', language: 'en', components: [] }, callbackData: 'r:2', endpoint: 'marketing_messages', ttlSeconds: 86_400 },
      {
        url: 'https://waba-v2.360dialog.io/marketing_messages',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '491',
          type: 'template',
          biz_opaque_callback_data: 'r:2',
          message_send_ttl_seconds: 86_400,
          template: { name: 'spring_sale', language: { code: 'en' } },
        },
      },
    ],
    [
      'the TTL is only sent to the Marketing Messages API',
      cloud,
      { to: '491', template: { name: 'hello', language: 'en', components: [] }, endpoint: 'messages', ttlSeconds: 86_400 },
      {
        url: 'https://waba-v2.360dialog.io/messages',
        body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '491', type: 'template', template: { name: 'hello', language: { code: 'en' } } },
      },
    ],
  ])('%s', (_name, credentials, message, expected) => {
    expect(buildSendRequest(credentials, message)).toEqual(expected);
  });
});

describe('messageIdFrom', () => {
  it.each([
    [{ messaging_product: 'whatsapp', contacts: [{ input: '1', wa_id: '1' }], messages: [{ id: 'wamid.HBgL' }] }, 'wamid.HBgL'],
    [{ messages: [{ id: 'gBEGkYiEB1VXAglK1ZEqA1YKPrU' }], meta: { api_status: 'stable' } }, 'gBEGkYiEB1VXAglK1ZEqA1YKPrU'],
    [{ messages: [] }, null],
    [{ messages: [{ id: '' }] }, null],
    [undefined, null],
    ['text', null],
  ])('%j → %p', (answer, expected) => {
    expect(messageIdFrom(answer)).toBe(expected);
  });
});

describe('parseErrorBody', () => {
  it.each([
    [
      'Cloud',
      400,
      { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026, error_data: { details: 'Receiver is incapable' }, fbtrace_id: 'x' } },
      { errorCode: 131026, errorTitle: '(#131026) Message undeliverable', details: 'Receiver is incapable' },
    ],
    ['Cloud without details', 400, { error: { message: 'Invalid parameter', code: 100 } }, { errorCode: 100, errorTitle: 'Invalid parameter' }],
    [
      'On-Premise',
      400,
      { errors: [{ code: 1008, title: 'Required parameter is missing', details: 'to is missing' }], meta: { api_status: 'stable' } },
      { errorCode: 1008, errorTitle: 'Required parameter is missing', details: 'to is missing' },
    ],
    ['On-Premise code as string', 400, { errors: [{ code: '2000', title: 'Number of parameters does not match' }] }, { errorCode: 2000, errorTitle: 'Number of parameters does not match' }],
    [
      '360dialog proxy',
      400,
      { meta: { success: false, http_code: 400, developer_message: 'You have exceeded the endpoint rate limit' } },
      { errorCode: null, errorTitle: 'You have exceeded the endpoint rate limit' },
    ],
    ['360dialog proxy, wrong key', 401, { meta: { success: false, http_code: 401, developer_message: 'Invalid api key' } }, { errorCode: null, errorTitle: 'Invalid api key' }],
    ['plain text', 400, 'You have exceeded the endpoint rate limit', { errorCode: null, errorTitle: 'You have exceeded the endpoint rate limit' }],
    ['HTML page', 502, '<html><body>Bad gateway</body></html>', { errorCode: null, errorTitle: 'HTTP 502 Bad Gateway', details: '<html><body>Bad gateway</body></html>' }],
    ['empty', 503, '', { errorCode: null, errorTitle: 'HTTP 503 Service Unavailable' }],
    ['unknown JSON', 418, { hello: 'world' }, { errorCode: null, errorTitle: 'HTTP 418', details: '{"hello":"world"}' }],
  ])('%s', (_name, status, answer, expected) => {
    expect(parseErrorBody(status, typeof answer === 'string' ? answer : JSON.stringify(answer))).toEqual(expected);
  });
});

describe('publicErrorTitle: status, code and a short title, never the body', () => {
  it.each([
    ['Cloud error message', 400, JSON.stringify({ error: { message: 'Invalid parameter', code: 100 } }), 'Invalid parameter'],
    ['plain text is not shown', 400, 'You have exceeded the endpoint rate limit', 'HTTP 400 Bad Request'],
    ['HTML is not shown', 502, '<html><body>secret</body></html>', 'HTTP 502 Bad Gateway'],
    ['unknown JSON is not shown', 200, JSON.stringify({ redis: 'INFO' }), 'HTTP 200'],
    ['a long message is cut', 400, JSON.stringify({ error: { message: 'x'.repeat(1000) } }), `${'x'.repeat(199)}…`],
  ])('%s', (_name, status, raw, expected) => {
    expect(publicErrorTitle(status, raw)).toBe(expected);
  });
});

describe('isThrottlingAnswer', () => {
  it.each([
    [429, { errorCode: null, errorTitle: 'Too Many Requests' }, true],
    [400, { errorCode: 130429, errorTitle: 'Rate limit hit' }, true],
    [400, { errorCode: 1015, errorTitle: 'Too many requests' }, true],
    [400, { errorCode: null, errorTitle: 'You have exceeded the endpoint rate limit' }, true],
    [400, { errorCode: 131056, errorTitle: '(Business Account, Consumer Account) pair rate limit hit' }, false],
    [400, { errorCode: null, errorTitle: 'lack of payment' }, false],
    [500, { errorCode: null, errorTitle: 'rate limit' }, false],
  ])('HTTP %p %j → %p', (status, error, expected) => {
    expect(isThrottlingAnswer(status, error)).toBe(expected);
  });
});

describe('httpStatusLeavesOutcomeUnknown', () => {
  it.each([
    [504, true],
    [500, false],
    [502, false],
    [503, false],
    [400, false],
  ])('HTTP %p → %p', (status, expected) => {
    expect(httpStatusLeavesOutcomeUnknown(status)).toBe(expected);
  });
});

function failure(code: string, name = 'Error', message = 'boom'): Error {
  return Object.assign(new Error(message), { code, name });
}

describe('classifyTransportError', () => {
  it.each([
    ['connection refused', failure('ECONNREFUSED'), false, /ECONNREFUSED/],
    ['DNS failure', failure('ENOTFOUND'), false, /ENOTFOUND/],
    ['connect timeout (nothing written)', failure('UND_ERR_CONNECT_TIMEOUT'), false, /UND_ERR_CONNECT_TIMEOUT/],
    ['refused inside AggregateError', Object.assign(new AggregateError([failure('ECONNREFUSED')]), {}), false, /ECONNREFUSED/],
    ['refused as cause', Object.assign(new Error('fetch failed'), { cause: failure('ECONNREFUSED') }), false, /ECONNREFUSED/],
    ['headers timeout', failure('UND_ERR_HEADERS_TIMEOUT'), true, /within 1500 ms/],
    ['body timeout', failure('UND_ERR_BODY_TIMEOUT'), true, /timeout/],
    ['abort signal timeout', Object.assign(new Error('aborted'), { name: 'TimeoutError' }), true, /timeout/],
    ['socket closed mid-request', failure('UND_ERR_SOCKET', 'SocketError', 'other side closed'), true, /other side closed/],
    ['connection reset', failure('ECONNRESET'), true, /ECONNRESET/],
    ['something unexpected', new Error('weird'), true, /weird/],
  ])('%s', (_name, error, outcomeUnknown, title) => {
    const result = classifyTransportError(error, 1500);
    expect(result.outcomeUnknown).toBe(outcomeUnknown);
    expect(result.errorTitle).toMatch(title);
  });

  it('ignores the generic UND_ERR code and keeps looking', () => {
    expect(errorCode({ code: 'UND_ERR', cause: { code: 'ECONNREFUSED' } })).toBe('ECONNREFUSED');
  });
});

describe('interpretHealth', () => {
  const connected = { health: { gateway_status: 'connected' }, meta: { api_status: 'stable' } };
  const invalidKey = { meta: { success: false, developer_message: 'Invalid api key' } };
  it.each<[ApiGeneration, number, unknown, { ok: boolean; status: string; body: unknown }]>([
    ['onpremise', 200, connected, { ok: true, status: 'connected', body: connected }],
    ['onpremise', 200, { health: { gateway_status: 'disconnected' } }, { ok: false, status: 'disconnected', body: { health: { gateway_status: 'disconnected' } } }],
    [
      'onpremise',
      200,
      { health: { 'node-1': { gateway_status: 'connected' }, 'node-2': { gateway_status: 'uninitialized' } } },
      { ok: false, status: 'uninitialized', body: { health: { 'node-1': { gateway_status: 'connected' }, 'node-2': { gateway_status: 'uninitialized' } } } },
    ],
    ['onpremise', 200, { status: 'fine' }, { ok: true, status: 'ok', body: { status: 'fine' } }],
    // An error answer: its title, never its body.
    ['onpremise', 401, invalidKey, { ok: false, status: 'Invalid api key (HTTP 401)', body: null }],
    ['onpremise', 500, 'redis_version:7.2.4 internal text', { ok: false, status: 'HTTP 500 Internal Server Error', body: null }],
    ['onpremise', 500, '<html>internal admin page</html>', { ok: false, status: 'HTTP 500 Internal Server Error', body: null }],
    ['onpremise', 404, '', { ok: false, status: 'HTTP 404 Not Found', body: null }],
    // Cloud: the check reads the template list; a 2xx is healthy whatever the list holds.
    ['cloud', 200, { count: 2, waba_templates: [{ name: 'a' }, { name: 'b' }] }, { ok: true, status: 'ok', body: null }],
    ['cloud', 200, { health: { gateway_status: 'disconnected' } }, { ok: true, status: 'ok', body: null }],
    ['cloud', 401, invalidKey, { ok: false, status: 'Invalid api key (HTTP 401)', body: null }],
    ['cloud', 302, '', { ok: false, status: 'HTTP 302', body: null }],
    ['cloud', 503, '', { ok: false, status: 'HTTP 503 Service Unavailable', body: null }],
  ])('%s, HTTP %p %j', (generation, status, answer, expected) => {
    expect(interpretHealth(generation, status, typeof answer === 'string' ? answer : JSON.stringify(answer))).toEqual(expected);
  });

  it('reads On-Premise health at /v1/health and Cloud health at the templates list', () => {
    expect(HEALTH_CHECK_PATH).toEqual({ onpremise: '/v1/health', cloud: '/v1/configs/templates' });
  });
});
