import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhatsAppClient } from '../src/whatsapp/whatsapp-client.js';
import type { ChannelCredentials, SendResult, TemplateMessage } from '../src/whatsapp/types.js';
import { loadConfig } from '../src/config/app-config.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';

/** A tiny webhook receiver that records every POST and answers with the next queued status (200 when none). */
class Receiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: any }> = [];
  readonly answers: number[] = [];
  private server: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(this.answers.shift() ?? 200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Statuses received, flattened across both payload shapes. */
  statuses(): any[] {
    return this.requests.flatMap(({ body }) =>
      body.statuses ?? body.entry?.flatMap((entry: any) => entry.changes.flatMap((change: any) => change.value.statuses ?? [])) ?? [],
    );
  }

  clear(): void {
    this.requests.length = 0;
    this.answers.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The config needs a DATA_DIR; the client never writes to it. One for the file, removed after it. */
const dataDir = mkdtempSync(join(tmpdir(), 'wa-sandbox-test-'));

function clientWith(env: Record<string, string> = {}): WhatsAppClient {
  return new WhatsAppClient(
    loadConfig({
      NODE_ENV: 'test',
      API_TOKEN: 'test-token-0123456789abcdef',
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      ...env,
    }),
  );
}

const CLOUD_KEY = 'cloud-key-0001';
const ONPREM_KEY = 'onprem-key-0002';
const NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';

function message(to: string, overrides: Partial<TemplateMessage> = {}): TemplateMessage {
  return {
    to,
    template: { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }] },
    ...overrides,
  };
}

const json = (response: Response): Promise<any> => response.json();

function failureOf(result: SendResult) {
  if (result.ok) throw new Error(`expected a failure, got message ${result.messageId}`);
  return result;
}

describe('360dialog sandbox + WhatsAppClient over real HTTP', () => {
  let sandbox: Sandbox;
  let client: WhatsAppClient;
  let receiver: Receiver;
  let cloud: ChannelCredentials;
  let onPremise: ChannelCredentials;

  beforeAll(async () => {
    sandbox = await createSandbox({
      keys: { [CLOUD_KEY]: 'cloud', [ONPREM_KEY]: { generation: 'onpremise', templateNamespace: NAMESPACE } },
      statusDelaysMs: { sent: 0, delivered: 5, read: 10, failed: 5 },
      webhook: { initialRetryDelayMs: 20, maxRetryDelayMs: 100 },
    });
    client = clientWith({ SEND_TIMEOUT_MS: '400' });
    receiver = await new Receiver().start();
    cloud = { channelId: 'c1', apiGeneration: 'cloud', baseUrl: sandbox.url, apiKey: CLOUD_KEY, templateNamespace: null };
    onPremise = { channelId: 'o1', apiGeneration: 'onpremise', baseUrl: sandbox.url, apiKey: ONPREM_KEY, templateNamespace: NAMESPACE };
  });

  afterEach(async () => {
    await sandbox.webhooksIdle(5000);
    sandbox.reset();
    sandbox.configure({ messagesPerSecond: null, throttleStyle: null, failingNumbers: {}, statuses: ['sent', 'delivered', 'read'] });
    sandbox.setWebhook(CLOUD_KEY, null);
    sandbox.setWebhook(ONPREM_KEY, null);
    receiver.clear();
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    await sandbox.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('sending', () => {
    it('Cloud: 200 with a wamid, the template and callback data as sent', async () => {
      const result = await client.send(cloud, message('4915112345678', { callbackData: 'r:42' }));
      expect(result).toEqual({ ok: true, messageId: expect.stringMatching(/^wamid\./), latencyMs: expect.any(Number) });
      expect(sandbox.recentMessages()).toEqual([
        expect.objectContaining({
          to: '4915112345678',
          generation: 'cloud',
          template: 'spring_sale',
          language: 'en',
          callbackData: 'r:42',
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
        }),
      ]);
      expect(sandbox.acceptedFor('4915112345678')).toBe(1);
    });

    it("On-Premise: 201 with an id, sent with the channel's namespace and a deterministic language", async () => {
      const result = await client.send(onPremise, message('4915112345679'));
      expect(result).toEqual({ ok: true, messageId: expect.stringMatching(/^gBEG/), latencyMs: expect.any(Number) });
      expect(sandbox.recentMessages()[0]).toEqual(expect.objectContaining({ generation: 'onpremise', namespace: NAMESPACE }));
    });

    it('answers a wrong or missing key with 401 in the 360dialog shape', async () => {
      const result = failureOf(await client.send({ ...cloud, apiKey: 'wrong-key' }, message('4915112345678')));
      expect(result).toMatchObject({ httpStatus: 401, errorCode: null, errorTitle: 'Invalid api key', outcomeUnknown: false });
      const raw = await fetch(`${sandbox.url}/messages`, { method: 'POST', body: '{}' });
      expect(raw.status).toBe(401);
      expect(await json(raw)).toEqual({ meta: expect.objectContaining({ success: false, http_code: 401, developer_message: 'Invalid api key' }) });
      expect(sandbox.stats().unauthorized).toBe(2);
    });

    it.each([
      ['Cloud', 'cloud', { template: { name: 'Spring Sale', language: 'en', components: [] } }, 131009, '(#131009) Parameter value is not valid', /template\.name/],
      ['Cloud', 'cloud', { to: '+49151' }, 131009, '(#131009) Parameter value is not valid', /'to'/],
      ['On-Premise', 'onpremise', { template: { name: 'spring_sale', language: 'english', components: [] } }, 131009, 'Parameter value is not valid', /language\.code/],
    ] as const)('%s validation errors come back as errorCode/errorTitle/details', async (_name, generation, overrides, code, title, details) => {
      const credentials = generation === 'cloud' ? cloud : onPremise;
      const result = failureOf(await client.send(credentials, message('4915112345678', overrides as Partial<TemplateMessage>)));
      expect(result).toMatchObject({ httpStatus: 400, errorCode: code, errorTitle: title, outcomeUnknown: false, throttled: false });
      expect(result.details).toMatch(details);
      expect(sandbox.stats()).toMatchObject({ accepted: 0, rejected: 1 });
    });

    it('On-Premise without a namespace is refused naming template.namespace', async () => {
      const result = failureOf(await client.send({ ...onPremise, templateNamespace: null }, message('4915112345678')));
      expect(result).toMatchObject({ httpStatus: 400, errorTitle: 'Parameter value is not valid' });
      expect(result.details).toMatch(/template\.namespace/);
    });

    it('counts messages per wa_id, so duplicates show', async () => {
      await client.send(cloud, message('4915100000001'));
      await client.send(cloud, message('4915100000001'));
      await client.send(cloud, message('4915100000002'));
      expect(sandbox.stats({ perWaId: true })).toMatchObject({
        accepted: 3,
        uniqueRecipients: 2,
        duplicateRecipients: 1,
        duplicateMessages: 1,
        acceptedByWaId: { '4915100000001': 2, '4915100000002': 1 },
      });
    });
  });

  describe('throttling', () => {
    it.each([
      ['Cloud, code 130429', 'cloud', null, 400, 130429],
      ['Cloud, proxy 400 text', 'cloud', 'proxy400', 400, null],
      ['Cloud, HTTP 429', 'cloud', 'http429', 429, 130429],
      ['On-Premise, HTTP 429', 'onpremise', null, 429, 1015],
    ] as const)('%s: at most N accepted per second, the rest answered as throttled', async (_name, generation, style, httpStatus, code) => {
      sandbox.configure({ messagesPerSecond: 5, throttleStyle: style });
      const credentials = generation === 'cloud' ? cloud : onPremise;
      const results = await Promise.all(Array.from({ length: 8 }, (_, index) => client.send(credentials, message(`49151000001${index}`))));
      const throttled = results.filter((result) => !result.ok);
      expect(results.filter((result) => result.ok)).toHaveLength(5);
      expect(throttled).toHaveLength(3);
      for (const result of throttled) {
        expect(result).toMatchObject({ httpStatus, errorCode: code, throttled: true, outcomeUnknown: false });
        if (code === null) expect(failureOf(result).errorTitle).toBe('You have exceeded the endpoint rate limit');
      }
      expect(sandbox.stats()).toMatchObject({ accepted: 5, throttled: 3, maxAcceptedInOneSecond: 5 });
    });

    it('lets the next message through once a second has passed', async () => {
      sandbox.addKey('slow-key-0003', { generation: 'cloud', messagesPerSecond: 1 });
      const slow = { ...cloud, apiKey: 'slow-key-0003' };
      expect((await client.send(slow, message('4915100000021'))).ok).toBe(true);
      expect((await client.send(slow, message('4915100000022'))).ok).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1010));
      expect((await client.send(slow, message('4915100000023'))).ok).toBe(true);
      expect(sandbox.stats().keys['slow-key-0003']).toMatchObject({ accepted: 2, throttled: 1, maxAcceptedInOneSecond: 1 });
    });
  });

  describe('failures', () => {
    it.each([
      ['server_error', {}, { httpStatus: 500, errorCode: null, outcomeUnknown: false }],
      ['unauthorized', {}, { httpStatus: 401, errorTitle: 'Invalid api key' }],
      ['pair_rate_limit', {}, { httpStatus: 400, errorCode: 131056 }],
      ['template_paused', {}, { httpStatus: 400, errorCode: 132015, errorTitle: '(#132015) Template is Paused' }],
      ['payment', {}, { httpStatus: 400, errorCode: 131042 }],
      ['error', { httpStatus: 400, code: 131026, title: 'Message undeliverable' }, { httpStatus: 400, errorCode: 131026, errorTitle: '(#131026) Message undeliverable' }],
      ['hang', {}, { httpStatus: null, outcomeUnknown: true, errorTitle: expect.stringMatching(/400 ms/) }],
      ['reset', {}, { httpStatus: null, outcomeUnknown: true }],
    ] as const)('injected %s answers the next request only', async (kind, extra, expected) => {
      sandbox.injectFailure({ kind, ...extra });
      expect(await client.send(cloud, message('4915100000031'))).toMatchObject({ ok: false, ...expected });
      expect((await client.send(cloud, message('4915100000032'))).ok).toBe(true);
      expect(sandbox.stats().injected).toBe(1);
    });

    it('On-Premise payment problems come as code 402', async () => {
      sandbox.injectFailure({ kind: 'payment', apiKey: ONPREM_KEY });
      expect(await client.send(onPremise, message('4915100000033'))).toMatchObject({ ok: false, errorCode: 402 });
    });

    it('targets a failure at one recipient and a number of requests', async () => {
      sandbox.injectFailure({ kind: 'server_error', httpStatus: 503, to: '4915100000041', count: 2 });
      expect((await client.send(cloud, message('4915100000042'))).ok).toBe(true);
      expect(await client.send(cloud, message('4915100000041'))).toMatchObject({ ok: false, httpStatus: 503 });
      expect(await client.send(cloud, message('4915100000041'))).toMatchObject({ ok: false, httpStatus: 503 });
      expect((await client.send(cloud, message('4915100000041'))).ok).toBe(true);
    });

    it('a lost response leaves the outcome unknown although the message went out, and its statuses carry the callback data', async () => {
      sandbox.setWebhook(CLOUD_KEY, { url: receiver.url, headers: {} });
      sandbox.injectFailure({ kind: 'lost_response' });
      const result = await client.send(cloud, message('4915100000051', { callbackData: 'r:lost' }));
      expect(result).toMatchObject({ ok: false, httpStatus: null, outcomeUnknown: true });
      expect(sandbox.acceptedFor('4915100000051')).toBe(1);
      await sandbox.webhooksIdle();
      expect(receiver.statuses().map((status) => status.biz_opaque_callback_data)).toEqual(['r:lost', 'r:lost', 'r:lost']);
    });

    it('connection refused is not an unknown outcome: nothing was sent', async () => {
      const closed = await createSandbox();
      const url = closed.url;
      await closed.close();
      const result = failureOf(await client.send({ ...cloud, baseUrl: url }, message('4915100000061')));
      expect(result).toMatchObject({ httpStatus: null, outcomeUnknown: false });
      expect(result.errorTitle).toMatch(/ECONNREFUSED/);
    });

    it('numbers configured to fail at send answer with their error', async () => {
      sandbox.configure({ failingNumbers: { '4915100000071': { code: 131026, title: 'Message undeliverable' } } });
      expect(await client.send(cloud, message('4915100000071'))).toMatchObject({ ok: false, httpStatus: 400, errorCode: 131026 });
      expect(await client.send(onPremise, message('4915100000071'))).toMatchObject({ ok: false, httpStatus: 400, errorCode: 131026, errorTitle: 'Message undeliverable' });
      expect(sandbox.stats()).toMatchObject({ accepted: 0, failedAtSend: 2 });
    });

    it('numbers configured to fail by webhook are accepted, then get a failed status', async () => {
      sandbox.setWebhook(ONPREM_KEY, { url: receiver.url, headers: {} });
      sandbox.configure({ failingNumbers: { '4915100000072': { code: 131026, title: 'Receiver incapable', when: 'webhook' } } });
      const result = await client.send(onPremise, message('4915100000072'));
      expect(result.ok).toBe(true);
      await sandbox.webhooksIdle();
      expect(receiver.statuses()).toEqual([
        expect.objectContaining({ id: result.ok ? result.messageId : '', status: 'failed', errors: [{ code: 131026, title: 'Receiver incapable' }] }),
      ]);
    });
  });

  describe('webhooks', () => {
    const basic = `Basic ${Buffer.from('wa-user:s3cret').toString('base64')}`;

    it('registers through POST /v1/configs/webhook and answers what 360dialog answers', async () => {
      const result = await client.registerWebhook(cloud, receiver.url, { Authorization: basic });
      expect(result).toMatchObject({ ok: true, httpStatus: 200, body: { url: receiver.url } });
      expect(sandbox.webhookFor(CLOUD_KEY)).toEqual({ url: receiver.url, headers: { Authorization: basic } });
    });

    it('refuses an invalid URL, and a wrong key, in the 360dialog shape', async () => {
      expect(await client.registerWebhook(cloud, 'not a url', {})).toMatchObject({ ok: false, httpStatus: 400, errorTitle: expect.stringMatching(/Invalid webhook url/) });
      expect(await client.registerWebhook({ ...cloud, apiKey: 'nope-nope' }, receiver.url, {})).toMatchObject({ ok: false, httpStatus: 401, errorTitle: 'Invalid api key' });
    });

    it('Cloud: posts sent, delivered and read with the registered Basic header and the callback data', async () => {
      await client.registerWebhook(cloud, receiver.url, { Authorization: basic });
      // One post at a time, so they arrive in the order they were due: with several in flight (as
      // 360dialog's) a loaded machine could let the read overtake the delivered 5 ms before it.
      sandbox.configure({ webhook: { concurrency: 1 } });
      const result = await client.send(cloud, message('4915100000081', { callbackData: 'r:81' }));
      expect(await sandbox.webhooksIdle()).toBe(true);
      sandbox.configure({ webhook: { concurrency: 8 } });
      expect(receiver.requests.every((request) => request.headers.authorization === basic)).toBe(true);
      const body = receiver.requests[0].body;
      expect(body).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }] });
      expect(receiver.statuses().map((status) => [status.id, status.status, status.recipient_id, status.biz_opaque_callback_data])).toEqual([
        [result.ok && result.messageId, 'sent', '4915100000081', 'r:81'],
        [result.ok && result.messageId, 'delivered', '4915100000081', 'r:81'],
        [result.ok && result.messageId, 'read', '4915100000081', 'r:81'],
      ]);
    });

    it('On-Premise: posts top-level statuses', async () => {
      await client.registerWebhook(onPremise, receiver.url, { Authorization: basic });
      sandbox.configure({ statuses: ['delivered'] });
      await client.send(onPremise, message('4915100000082'));
      await sandbox.webhooksIdle();
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0].body).toEqual({ statuses: [expect.objectContaining({ recipient_id: '4915100000082', status: 'delivered' })] });
    });

    it('retries with backoff until the receiver answers 200', async () => {
      await client.registerWebhook(onPremise, receiver.url, { Authorization: basic });
      sandbox.configure({ statuses: ['sent'] });
      receiver.answers.push(500, 503, 401);
      await client.send(onPremise, message('4915100000083'));
      expect(await sandbox.webhooksIdle()).toBe(true);
      expect(receiver.requests).toHaveLength(4);
      expect(new Set(receiver.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
      expect(sandbox.stats().webhooks).toMatchObject({ posts: 4, delivered: 1, failedAttempts: 3, statusesDelivered: 1, givenUp: 0, pending: 0 });
    });

    it('batches statuses when many are waiting, with bounded concurrency', async () => {
      sandbox.configure({ statuses: ['delivered'], webhook: { concurrency: 1 } });
      await client.registerWebhook(cloud, receiver.url, {});
      await Promise.all(Array.from({ length: 200 }, (_, index) => client.send(cloud, message(`4915200${String(index).padStart(5, '0')}`))));
      expect(await sandbox.webhooksIdle()).toBe(true);
      sandbox.configure({ webhook: { concurrency: 8 } });
      expect(receiver.statuses()).toHaveLength(200);
      expect(new Set(receiver.statuses().map((status) => status.id)).size).toBe(200);
      expect(receiver.requests.length).toBeLessThan(200);
      expect(Math.max(...receiver.requests.map((request) => request.body.entry[0].changes[0].value.statuses.length))).toBeGreaterThan(1);
    });

    it('posts statuses twice when told to, as 360dialog sometimes does', async () => {
      sandbox.configure({ duplicateStatusRate: 1, statuses: ['sent', 'delivered'] });
      await client.registerWebhook(cloud, receiver.url, {});
      await client.send(cloud, message('4915100000086'));
      await sandbox.webhooksIdle();
      sandbox.configure({ duplicateStatusRate: 0 });
      expect(receiver.statuses().map((status) => status.status).sort()).toEqual(['delivered', 'delivered', 'sent', 'sent']);
      expect(sandbox.stats()).toMatchObject({ accepted: 1, duplicateStatuses: 2 });
    });

    it('drops statuses when no webhook is registered, and counts them', async () => {
      await client.send(cloud, message('4915100000084'));
      await sandbox.webhooksIdle();
      expect(sandbox.stats().webhooks).toMatchObject({ dropped: 3, posts: 0 });
    });

    it.each([
      ['cloud', CLOUD_KEY, (body: any) => body.entry[0].changes[0].value],
      ['onpremise', ONPREM_KEY, (body: any) => body],
    ] as const)('%s: simulates an inbound text message', async (_generation, apiKey, unwrap) => {
      sandbox.setWebhook(apiKey, { url: receiver.url, headers: { Authorization: basic } });
      const result = await sandbox.sendInbound(apiKey, '4915100000085', 'STOP', { profileName: 'Maria' });
      expect(result.delivered).toBe(true);
      const value = unwrap(receiver.requests[0].body);
      expect(value.contacts).toEqual([{ profile: { name: 'Maria' }, wa_id: '4915100000085' }]);
      expect(value.messages).toEqual([expect.objectContaining({ from: '4915100000085', id: result.messageId, type: 'text', text: { body: 'STOP' } })]);
      expect(receiver.requests[0].headers.authorization).toBe(basic);
    });
  });

  describe('other endpoints', () => {
    it('GET /v1/health answers in the On-Premise shape', async () => {
      expect(await client.health(onPremise)).toMatchObject({ ok: true, status: 'connected', httpStatus: 200, body: { health: { gateway_status: 'connected' } } });
      sandbox.configure({ gatewayStatus: 'disconnected' });
      expect(await client.health(onPremise)).toMatchObject({ ok: false, status: 'disconnected' });
      // Cloud has no gateway to report and no /v1/health: the check is that the templates endpoint answers.
      expect(await client.health(cloud)).toMatchObject({ ok: true, status: 'ok', httpStatus: 200, body: null });
      sandbox.configure({ gatewayStatus: 'connected' });
      expect(await client.health({ ...cloud, apiKey: 'wrong-key' })).toMatchObject({ ok: false, httpStatus: 401, status: 'Invalid api key (HTTP 401)' });
    });

    it('GET /v1/configs/templates lists templates with the namespace', async () => {
      const response = await fetch(`${sandbox.url}/v1/configs/templates`, { headers: { 'D360-API-KEY': ONPREM_KEY } });
      const body = await json(response);
      expect(body.waba_templates).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'spring_sale', language: 'en', namespace: NAMESPACE, status: 'approved' })]));
    });

    it('sends to the other generation’s path are refused with a hint', async () => {
      const response = await fetch(`${sandbox.url}/v1/messages`, { method: 'POST', headers: { 'D360-API-KEY': CLOUD_KEY }, body: '{}' });
      expect(response.status).toBe(404);
      expect(JSON.stringify(await json(response))).toMatch(/POST \/messages/);
    });
  });

  describe('admin endpoints', () => {
    const admin = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${sandbox.url}/_sandbox/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });

    it('registers keys, configures, injects failures, reports and resets', async () => {
      expect((await admin('keys', 'POST', { apiKey: 'admin-key-0004', generation: 'onpremise', messagesPerSecond: 2 })).status).toBe(201);
      const credentials = { ...onPremise, apiKey: 'admin-key-0004' };
      expect((await client.send(credentials, message('4915100000091'))).ok).toBe(true);

      expect((await admin('failures', 'POST', { kind: 'template_paused', apiKey: 'admin-key-0004' })).status).toBe(201);
      expect(await client.send(credentials, message('4915100000092'))).toMatchObject({ ok: false, errorCode: 132015 });

      expect((await admin('config', 'POST', { failingNumbers: { '4915100000093': { code: 131026, title: 'Message undeliverable' } } })).status).toBe(200);
      expect(await client.send(credentials, message('4915100000093'))).toMatchObject({ ok: false, errorCode: 131026 });

      const stats = await json(await admin('stats?perWaId=1'));
      expect(stats).toMatchObject({ accepted: 1, injected: 1, failedAtSend: 1, acceptedByWaId: { '4915100000091': 1 } });
      expect(stats.keys['admin-key-0004']).toMatchObject({ generation: 'onpremise', messagesPerSecond: 2, accepted: 1 });

      expect((await json(await admin('messages?to=4915100000091'))).items).toHaveLength(1);
      expect((await admin('reset', 'POST', {})).status).toBe(200);
      expect(await json(await admin('stats'))).toMatchObject({ accepted: 0, injected: 0 });
    });

    it('delivers inbound messages on request and waits for idle', async () => {
      sandbox.setWebhook(CLOUD_KEY, { url: receiver.url, headers: {} });
      const response = await admin('inbound', 'POST', { apiKey: CLOUD_KEY, from: '4915100000094', text: 'hello', name: 'Max' });
      expect(await json(response)).toMatchObject({ delivered: true, messageId: expect.any(String) });
      expect(await json(await admin('idle?timeoutMs=1000'))).toMatchObject({ idle: true });
    });

    it.each([
      ['config', { messagesPerSecond: -1 }, /messagesPerSecond/],
      ['config', { bogus: true }, /Unknown sandbox setting bogus/],
      ['config', { webhook: { concurrency: 0 } }, /webhook\.concurrency/],
      ['config', { duplicateStatusRate: 2 }, /duplicateStatusRate/],
      ['keys', { apiKey: 'k', generation: 'sms' }, /generation/],
      ['failures', { kind: 'explode' }, /kind must be one of/],
    ])('POST /_sandbox/%s %j → 400', async (path, body, message) => {
      const response = await admin(path, 'POST', body);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(message);
    });
  });
});
