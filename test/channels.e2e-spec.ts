import request from 'supertest';
import { ChannelsRepository } from '../src/channels/channels.repository.js';
import { ChannelsService } from '../src/channels/channels.service.js';
import { WhatsAppClient } from '../src/whatsapp/whatsapp-client.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { seedList, waitFor } from './fixtures.js';

const CLOUD_KEY = 'cloud-secret-key-Zq81';
const ONPREM_KEY = 'onprem-secret-key-Xy42';
const NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';
const campaignTemplate = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describe('channels API', () => {
  let engine: TestApp;
  let sandbox: Sandbox;
  let service: ChannelsService;
  const api = () => request(engine.url);

  beforeAll(async () => {
    [engine, sandbox] = await Promise.all([
      createTestApp(),
      createSandbox({ keys: { [CLOUD_KEY]: 'cloud', [ONPREM_KEY]: { generation: 'onpremise', templateNamespace: NAMESPACE, phoneNumber: '+4930654321' } }, statuses: [] }),
    ]);
    service = engine.app.get(ChannelsService);
  });

  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  const cloudChannel = (overrides: Record<string, unknown> = {}) => ({
    name: 'Main number',
    phoneNumber: '+4930123456',
    apiKey: CLOUD_KEY,
    apiGeneration: 'cloud',
    baseUrl: sandbox.url,
    ...overrides,
  });
  const onPremiseChannel = (overrides: Record<string, unknown> = {}) => ({
    name: 'Legacy number',
    phoneNumber: '+4930654321',
    apiKey: ONPREM_KEY,
    apiGeneration: 'onpremise',
    baseUrl: sandbox.url,
    templateNamespace: NAMESPACE,
    messagesPerSecond: 50,
    messagingLimit: 10000,
    ...overrides,
  });
  const create = async (body: Record<string, unknown>) => (await api().post('/v1/channels').set(engine.auth).send(body).expect(201)).body;

  describe('authentication', () => {
    it.each([
      ['GET', '/v1/channels'],
      ['POST', '/v1/channels'],
      ['GET', '/v1/channels/3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b'],
      ['PATCH', '/v1/channels/3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b'],
      ['POST', '/v1/channels/3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/webhook'],
      ['GET', '/v1/channels/3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/health'],
    ])('%s %s without a token → 401', async (method, path) => {
      const response = await api()[method.toLowerCase() as 'get' | 'post' | 'patch'](path).send({}).expect(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('Bearer') });
    });

    it('a wrong token → 401', async () => {
      await api().get('/v1/channels').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    });
  });

  describe('POST /v1/channels', () => {
    it('creates a Cloud channel with defaults, the webhook credentials once, and never the API key', async () => {
      const response = await api().post('/v1/channels').set(engine.auth).send(cloudChannel({ baseUrl: undefined, verifyPhoneNumber: false })).expect(201);
      expect(response.text).not.toContain(CLOUD_KEY);
      expect(response.text).not.toMatch(/apiKeyEncrypted|api_key_encrypted|"apiKey"/);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Main number',
        phoneNumber: '+4930123456',
        apiGeneration: 'cloud',
        baseUrl: 'https://waba-v2.360dialog.io',
        apiKeyLast4: 'Zq81',
        templateNamespace: null,
        messagesPerSecond: 80,
        messagingLimit: null,
        marketingMessagesApi: false,
        marketingMessagesFallback: false,
        partnerChannelId: null,
        qualityRating: null,
        whatsappMessagingLimit: null,
        effectiveMessagingLimit: null,
        messagingLimitSource: null,
        lastAccountEvent: null,
        webhook: {
          url: `${engine.url}/webhooks/360dialog/${response.body.id}`,
          username: expect.any(String),
          password: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          registeredAt: null,
        },
        pausedReason: null,
        throttledUntil: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const [row] = await engine.dataSource.query('SELECT api_key_encrypted, webhook_password_hash FROM channels WHERE id = $1', [response.body.id]);
      expect(row.api_key_encrypted).not.toContain(CLOUD_KEY);
      expect(row.webhook_password_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.webhook_password_hash).not.toContain(response.body.webhook.password);
    });

    it('creates an On-Premise channel with its namespace, rate and messaging limit', async () => {
      const body = await create(onPremiseChannel({ baseUrl: undefined, verifyPhoneNumber: false }));
      expect(body).toMatchObject({
        apiGeneration: 'onpremise',
        baseUrl: 'https://waba.360dialog.io',
        templateNamespace: NAMESPACE,
        messagesPerSecond: 50,
        messagingLimit: 10000,
        apiKeyLast4: 'Xy42',
      });
    });

    it.each([
      ['apiGeneration missing', () => cloudChannel({ apiGeneration: undefined }), /apiGeneration must be cloud or onpremise/],
      ['apiGeneration unknown', () => cloudChannel({ apiGeneration: 'sms' }), /apiGeneration must be cloud or onpremise/],
      ['onpremise without templateNamespace', () => onPremiseChannel({ templateNamespace: undefined }), /templateNamespace is required for apiGeneration onpremise/],
      ['phone number not E.164', () => cloudChannel({ phoneNumber: '030 123456' }), /phoneNumber must be an E.164 number/],
      ['no apiKey', () => cloudChannel({ apiKey: undefined }), /apiKey/],
      ['messagesPerSecond 0', () => cloudChannel({ messagesPerSecond: 0 }), /messagesPerSecond must not be less than 1/],
      ['messagesPerSecond 10001', () => cloudChannel({ messagesPerSecond: 10_001 }), /messagesPerSecond must not be greater than 10000/],
      ['messagingLimit text', () => cloudChannel({ messagingLimit: 'lots' }), /messagingLimit must be an integer/],
      ['baseUrl not a URL', () => cloudChannel({ baseUrl: 'waba.example' }), /baseUrl must be an http\(s\) URL/],
      ['an unknown field', () => cloudChannel({ webhookPassword: 'x' }), /property webhookPassword should not exist/],
      ['no name', () => cloudChannel({ name: '' }), /name should not be empty/],
    ])('400 for %s, naming the field', async (_name, body, message) => {
      const response = await api().post('/v1/channels').set(engine.auth).send(body()).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toMatch(message);
    });

    it('accepts messagingLimit null as unlimited', async () => {
      expect((await create(cloudChannel({ messagingLimit: null }))).messagingLimit).toBeNull();
    });
  });

  describe('GET /v1/channels', () => {
    it('lists channels oldest first with keyset pagination and no API keys', async () => {
      const created = [await create(cloudChannel({ name: 'page-a' })), await create(cloudChannel({ name: 'page-b' })), await create(cloudChannel({ name: 'page-c' }))];
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response: request.Response = await api()
          .get('/v1/channels')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(engine.auth)
          .expect(200);
        expect(response.text).not.toContain(CLOUD_KEY);
        expect(response.text).not.toContain(ONPREM_KEY);
        expect(response.text).not.toContain('password');
        expect(response.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...response.body.items.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length);
      const positions = created.map((channel) => seen.indexOf(channel.id));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });

    it.each([
      ['limit=0', { limit: 0 }, /limit must not be less than 1/],
      ['limit=abc', { limit: 'abc' }, /limit must be an integer/],
      ['a made-up cursor', { cursor: 'abc' }, /cursor is not valid/],
    ])('400 for %s', async (_name, query, message) => {
      const response = await api().get('/v1/channels').query(query).set(engine.auth).expect(400);
      expect(response.body.message).toMatch(message);
    });

    it.each([
      ['an impossible date', `ch1:Tue, 31 Feb 2020|00000000-0000-4000-8000-000000000000`],
      ['an impossible ISO date', `ch1:2020-02-31T00:00:00.000Z|00000000-0000-4000-8000-000000000000`],
      ['an id that is not a uuid', `ch1:2020-01-01T00:00:00.000Z|not-a-uuid`],
      ['a cursor of another listing', `k1:2020-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000`],
    ])('400, not 500, for a tampered cursor: %s', async (_name, text) => {
      const cursor = Buffer.from(text, 'utf8').toString('base64url');
      const response = await api().get('/v1/channels').query({ cursor }).set(engine.auth).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toMatch(/cursor is not valid/);
    });
  });

  describe('GET and PATCH /v1/channels/:id', () => {
    it('gets one channel without the key', async () => {
      const channel = await create(cloudChannel());
      const response = await api().get(`/v1/channels/${channel.id}`).set(engine.auth).expect(200);
      expect(response.text).not.toContain(CLOUD_KEY);
      expect(response.body).toMatchObject({ id: channel.id, apiKeyLast4: 'Zq81', webhook: { url: channel.webhook.url, username: channel.webhook.username } });
      expect(response.body.webhook).not.toHaveProperty('password');
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['POST', '/webhook'],
      ['GET', '/health'],
    ])('%s with a malformed id → 400 saying ids are UUIDs', async (method, suffix) => {
      const response = await api()[method.toLowerCase() as 'get' | 'post' | 'patch'](`/v1/channels/not-a-uuid${suffix}`).set(engine.auth).send({}).expect(400);
      expect(response.body.message).toMatch(/"not-a-uuid" is not a channel id: channel ids are UUIDs/);
    });

    it('an unknown id → 404', async () => {
      const response = await api().get('/v1/channels/3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b').set(engine.auth).expect(404);
      expect(response.body).toMatchObject({ statusCode: 404, message: 'Channel 3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b not found' });
    });

    it('changes name, key, base URL, rate, limit and namespace, and never echoes the key', async () => {
      const channel = await create(onPremiseChannel());
      const response = await api()
        .patch(`/v1/channels/${channel.id}`)
        .set(engine.auth)
        .send({ name: 'Renamed', apiKey: 'rotated-key-New9', baseUrl: `${sandbox.url}/`, messagesPerSecond: 20, messagingLimit: null, templateNamespace: 'other_ns', verifyPhoneNumber: false })
        .expect(200);
      expect(response.text).not.toContain('rotated-key-New9');
      expect(response.body).toMatchObject({ name: 'Renamed', apiKeyLast4: 'New9', baseUrl: sandbox.url, messagesPerSecond: 20, messagingLimit: null, templateNamespace: 'other_ns' });
      const stored = service.credentialsFor(await service.requireChannel(channel.id));
      expect(stored.apiKey).toBe('rotated-key-New9');
    });

    it('pauses with a reason and resumes with "pausedReason": null', async () => {
      const channel = await create(cloudChannel());
      expect((await api().patch(`/v1/channels/${channel.id}`).set(engine.auth).send({ pausedReason: 'Checking the account' }).expect(200)).body.pausedReason).toBe('Checking the account');
      expect(await service.findActiveById(channel.id)).toBeNull();
      expect((await api().patch(`/v1/channels/${channel.id}`).set(engine.auth).send({ pausedReason: null }).expect(200)).body.pausedReason).toBeNull();
      expect((await service.findActiveById(channel.id))?.id).toBe(channel.id);
    });

    it.each([
      ['the namespace of an onpremise channel removed', { templateNamespace: null }, /templateNamespace cannot be removed from an onpremise channel/],
      ['the phone number (fixed)', { phoneNumber: '+4930999999' }, /property phoneNumber should not exist/],
      ['the generation (fixed)', { apiGeneration: 'cloud' }, /property apiGeneration should not exist/],
      ['a null name', { name: null }, /name must be a string/],
      ['messagesPerSecond 0', { messagesPerSecond: 0 }, /messagesPerSecond must not be less than 1/],
    ])('400 for %s', async (_name, body, message) => {
      const channel = await create(onPremiseChannel());
      const response = await api().patch(`/v1/channels/${channel.id}`).set(engine.auth).send(body).expect(400);
      expect(response.body.message).toMatch(message);
    });
  });

  describe('POST /v1/channels/:id/webhook', () => {
    it('registers the URL and a new Basic password with 360dialog and returns them', async () => {
      const channel = await create(cloudChannel());
      const response = await api().post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
      const url = `${engine.url}/webhooks/360dialog/${channel.id}`;
      expect(response.text).not.toContain(CLOUD_KEY);
      expect(response.body).toEqual({
        url,
        username: channel.webhook.username,
        password: expect.any(String),
        upstream: { url },
        warnings: expect.arrayContaining([expect.stringMatching(/port/)]),
      });
      expect(response.body.password).not.toBe(channel.webhook.password);
      expect(sandbox.webhookFor(CLOUD_KEY)).toEqual({ url, headers: { Authorization: basic(channel.webhook.username, response.body.password) } });

      expect(await service.verifyWebhookCredentials(channel.id, basic(channel.webhook.username, response.body.password))).toBe('ok');
      expect(await service.verifyWebhookCredentials(channel.id, basic(channel.webhook.username, channel.webhook.password))).toBe('bad_credentials');
      expect((await api().get(`/v1/channels/${channel.id}`).set(engine.auth).expect(200)).body.webhook.registeredAt).toEqual(expect.any(String));
    });

    it("the registered credentials open the engine's own webhook receiver: 360dialog's calls get 200", async () => {
      const channel = await create(cloudChannel());
      await api().post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
      expect(await sandbox.sendInbound(CLOUD_KEY, '4915112345670', 'hello')).toMatchObject({ delivered: true });
      expect(sandbox.stats().webhooks).toMatchObject({ failedAttempts: 0, inboundDelivered: 1 });
    });

    it('On-Premise channels get no Cloud URL warnings', async () => {
      const channel = await create(onPremiseChannel());
      const response = await api().post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
      expect(response.body.warnings).toEqual([]);
      expect(sandbox.webhookFor(ONPREM_KEY)?.url).toBe(`${engine.url}/webhooks/360dialog/${channel.id}`);
    });

    it('502 naming the upstream error when 360dialog refuses; the previous password keeps working', async () => {
      const channel = await create(cloudChannel());
      sandbox.injectFailure({ kind: 'server_error', endpoint: 'webhook', httpStatus: 503, title: 'Upstream maintenance' });
      const response = await api().post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(502);
      expect(response.body).toMatchObject({
        statusCode: 502,
        error: 'Bad Gateway',
        message: '360dialog refused the webhook registration: HTTP 503: Upstream maintenance',
        upstream: { httpStatus: 503, errorCode: null, errorTitle: 'Upstream maintenance' },
      });
      expect(await service.verifyWebhookCredentials(channel.id, basic(channel.webhook.username, channel.webhook.password))).toBe('ok');
    });

    it('502 when the API key is wrong, and when 360dialog cannot be reached', async () => {
      const wrongKey = await create(cloudChannel({ apiKey: 'not-a-sandbox-key', verifyPhoneNumber: false }));
      const refused = await api().post(`/v1/channels/${wrongKey.id}/webhook`).set(engine.auth).expect(502);
      expect(refused.body.message).toBe('360dialog refused the webhook registration: HTTP 401: Invalid api key');
      expect(refused.text).not.toContain('not-a-sandbox-key');

      const unreachable = await create(cloudChannel({ baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false }));
      const noAnswer = await api().post(`/v1/channels/${unreachable.id}/webhook`).set(engine.auth).expect(502);
      expect(noAnswer.body.message).toMatch(/^360dialog refused the webhook registration: no answer: Could not reach 360dialog \(ECONNREFUSED\)/);
    });
  });

  describe('GET /v1/channels/:id/health', () => {
    it('reads upstream health once and serves it from cache for 5 minutes', async () => {
      const channel = await create(onPremiseChannel());
      const first = await api().get(`/v1/channels/${channel.id}/health`).set(engine.auth).expect(200);
      expect(first.body).toEqual({
        channelId: channel.id,
        ok: true,
        status: 'connected',
        httpStatus: 200,
        upstream: { health: { gateway_status: 'connected' }, meta: expect.any(Object) },
        checkedAt: expect.any(String),
        cached: false,
      });
      sandbox.injectFailure({ kind: 'server_error', endpoint: 'health', apiKey: ONPREM_KEY });
      const second = await api().get(`/v1/channels/${channel.id}/health`).set(engine.auth).expect(200);
      expect(second.body).toMatchObject({ ok: true, cached: true, checkedAt: first.body.checkedAt });
      sandbox.clearFailures();
    });

    it('checks a Cloud channel through its templates endpoint, since the Cloud API has no /v1/health', async () => {
      // The Cloud API has no health endpoint: the sandbox answers /v1/health with 404 for a Cloud key.
      const channel = await create(cloudChannel());
      const healthy = await api().get(`/v1/channels/${channel.id}/health`).set(engine.auth).expect(200);
      expect(healthy.body).toMatchObject({ ok: true, status: 'ok', httpStatus: 200, upstream: null, cached: false });

      const failing = await create(cloudChannel());
      sandbox.injectFailure({ kind: 'server_error', endpoint: 'templates', apiKey: CLOUD_KEY });
      const unhealthy = await api().get(`/v1/channels/${failing.id}/health`).set(engine.auth).expect(200);
      expect(unhealthy.body).toMatchObject({ ok: false, httpStatus: 500, cached: false });
      sandbox.clearFailures();
    });

    it('reports an unhealthy upstream as ok: false rather than failing', async () => {
      const channel = await create(cloudChannel({ apiKey: 'unknown-key-0000', verifyPhoneNumber: false }));
      const response = await api().get(`/v1/channels/${channel.id}/health`).set(engine.auth).expect(200);
      expect(response.body).toMatchObject({ ok: false, httpStatus: 401, status: 'Invalid api key (HTTP 401)', cached: false });
    });
  });

  describe('ChannelsService for the other modules', () => {
    it('verifyWebhookCredentials tells unknown channels from bad credentials', async () => {
      const channel = await create(cloudChannel());
      const good = basic(channel.webhook.username, channel.webhook.password);
      expect(await service.verifyWebhookCredentials(channel.id, good)).toBe('ok');
      expect(await service.verifyWebhookCredentials(channel.id, basic('someone-else', channel.webhook.password))).toBe('bad_credentials');
      expect(await service.verifyWebhookCredentials(channel.id, undefined)).toBe('bad_credentials');
      expect(await service.verifyWebhookCredentials(channel.id, `Bearer ${channel.webhook.password}`)).toBe('bad_credentials');
      expect(await service.verifyWebhookCredentials('3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', good)).toBe('unknown_channel');
      expect(await service.verifyWebhookCredentials('not-a-uuid', good)).toBe('unknown_channel');
    });

    it('verifyWebhookCredentials picks up a password another instance rotated', async () => {
      const channel = await create(cloudChannel());
      const { createHash } = await import('node:crypto');
      await engine.dataSource.query('UPDATE channels SET webhook_password_hash = $2 WHERE id = $1', [channel.id, createHash('sha256').update('rotated-elsewhere').digest('hex')]);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await service.verifyWebhookCredentials(channel.id, basic(channel.webhook.username, 'rotated-elsewhere'))).toBe('ok');
      expect(await service.verifyWebhookCredentials(channel.id, basic(channel.webhook.username, channel.webhook.password))).toBe('bad_credentials');
    });

    it('credentialsFor + WhatsAppClient send through both generations', async () => {
      const client = engine.app.get(WhatsAppClient);
      const cloud = service.credentialsFor(await service.requireChannel((await create(cloudChannel())).id));
      const onPremise = service.credentialsFor(await service.requireChannel((await create(onPremiseChannel())).id));
      expect(cloud).toMatchObject({ apiGeneration: 'cloud', apiKey: CLOUD_KEY, baseUrl: sandbox.url, templateNamespace: null });
      const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }] };
      expect(await client.send(cloud, { to: '4915112345678', template, callbackData: 'r:1' })).toMatchObject({ ok: true, messageId: expect.stringMatching(/^wamid\./) });
      expect(await client.send(onPremise, { to: '4915112345678', template })).toMatchObject({ ok: true, messageId: expect.stringMatching(/^gBEG/) });
      expect(sandbox.recentMessages({ to: '4915112345678' }).map((message) => message.namespace)).toEqual([null, NAMESPACE]);
    });

    it('the sender records throttling (only ever extended) and pauses with the first reason, both visible through the API', async () => {
      const apiKey = 'live-path-key-0001';
      sandbox.addKey(apiKey, 'cloud');
      const channel = await create(cloudChannel({ apiKey, messagesPerSecond: 5 }));
      const repository = engine.app.get(ChannelsRepository);
      const { listId } = await seedList(engine.dataSource, 'live path', [{ phone: '+4915130000001', firstName: 'Ada' }]);
      const launch = async () => {
        const body = { name: 'Live path', channelId: channel.id, listId, template: campaignTemplate, scheduledAt: new Date().toISOString() };
        return (await api().post('/v1/campaigns').set(engine.auth).send(body).expect(201)).body.id as string;
      };
      const campaignStatus = async (id: string) => (await api().get(`/v1/campaigns/${id}`).set(engine.auth).expect(200)).body as { status: string };
      const shown = async () =>
        (await api().get(`/v1/channels/${channel.id}`).set(engine.auth).expect(200)).body as { throttledUntil: string | null; pausedReason: string | null };

      // A throttling answer slows the channel down for 30 s: the API shows until when.
      sandbox.injectFailure({ kind: 'throttle', apiKey });
      const before = Date.now();
      const throttled = await launch();
      const until = new Date(await waitFor('throttledUntil', async () => (await shown()).throttledUntil));
      expect(until.getTime()).toBeGreaterThanOrEqual(before + 30_000);
      expect(until.getTime()).toBeLessThanOrEqual(Date.now() + 30_000);
      await waitFor('completion', async () => (await campaignStatus(throttled)).status === 'completed');
      await repository.markThrottled(channel.id, new Date(until.getTime() - 10_000));
      expect((await shown()).throttledUntil).toBe(until.toISOString());
      const later = new Date(until.getTime() + 60_000);
      await repository.markThrottled(channel.id, later);
      expect((await shown()).throttledUntil).toBe(later.toISOString());

      // A bad key pauses the channel; a later pause keeps the first reason.
      sandbox.injectFailure({ kind: 'unauthorized', apiKey });
      const refused = await launch();
      await waitFor('paused', async () => (await campaignStatus(refused)).status === 'paused');
      const reason = (await shown()).pausedReason;
      expect(reason).toMatch(/^channel unusable: HTTP 401/);
      expect(await repository.pauseForSendFailure(channel.id, 'something later')).toBe(false);
      expect((await shown()).pausedReason).toBe(reason);
      expect((await service.findActive()).some((active) => active.id === channel.id)).toBe(false);
    });
  });

  it('documents the channel routes in the OpenAPI document', async () => {
    const docs = (await api().get('/docs-json').expect(200)).body;
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining(['/v1/channels', '/v1/channels/{id}', '/v1/channels/{id}/webhook', '/v1/channels/{id}/health']),
    );
    expect(docs.paths['/v1/channels'].post.tags).toEqual(['channels']);
    expect(docs.paths['/v1/channels'].post.responses['201'].content['application/json'].schema.$ref).toMatch(/CreatedChannelResponse/);
    expect(docs.paths['/v1/channels/{id}/webhook'].post.responses).toHaveProperty('502');
  });
});
