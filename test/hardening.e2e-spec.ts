import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import request from 'supertest';
import { fastifyOptions } from '../src/app.setup.js';
import { loadConfig } from '../src/config/app-config.js';
import { createTestApp, type TestApp } from './app.js';

/**
 * Issue 15: slow clients are cut off, every bad cursor and id is a 400 naming it, deep JSON is a 400,
 * and every request leaves one access-log line with its secrets redacted.
 */

const REQUEST_TIMEOUT_MS = 2000;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('hardening', () => {
  let engine: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    engine = await createTestApp({
      env: { LOG_LEVEL: 'info', HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
      logStream: { write: (line: string) => void logLines.push(line) },
    });
  });
  afterAll(async () => {
    await engine?.close();
  });

  describe('HTTP timeouts', () => {
    it('defaults: a request must arrive within 30 s, idle connections close after 60 s, keep-alive is bounded', () => {
      const options = fastifyOptions(loadConfig({ NODE_ENV: 'test', API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-hardening-spec' }));
      expect(options).toMatchObject({ requestTimeout: 30_000, connectionTimeout: 60_000, keepAliveTimeout: 72_000, trustProxy: false });
    });

    it('a client dripping a body to the webhook route is answered 408 and disconnected at HTTP_REQUEST_TIMEOUT_MS', async () => {
      const { port } = new URL(engine.url);
      const socket = connect(Number(port), '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      socket.write(
        `POST /webhooks/360dialog/${randomUUID()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
      );
      const drip = setInterval(() => socket.writable && socket.write(' '), 250);
      const started = Date.now();
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      clearInterval(drip);
      expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
      // Without a request timeout (Fastify's default 0) the drip holds the connection for as long as it likes.
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 5000);
    });
  });

  describe('every bad cursor and id is a 400 naming it', () => {
    it.each([
      ['/v1/campaigns', { cursor: b64('k1:2020-01-01T00:00:00.000Z|not-a-uuid') }, /cursor/],
      ['/v1/campaigns', { cursor: 'not base64 !' }, /cursor/],
      ['/v1/channels', { cursor: b64(`ch1:Tue, 31 Feb 2020|${randomUUID()}`) }, /cursor/],
      ['/v1/channels', { cursor: b64(`ch1:2020-02-31T00:00:00Z|${randomUUID()}`) }, /cursor/],
      ['/v1/lists', { cursor: b64(`l1:Tue, 31 Feb 2020|${randomUUID()}`) }, /cursor/],
      ['/v1/contacts', { cursor: b64('c1:99999999999999999999') }, /cursor/],
      ['/v1/contacts', { cursor: b64('c1:-1') }, /cursor/],
      ['/v1/webhooks/inbox/parked', { cursor: '9999999999999999999' }, /cursor/],
      ['/v1/webhooks/inbox/parked', { cursor: '0x10' }, /cursor/],
      [`/v1/campaigns/${randomUUID()}/recipients`, { cursor: b64('r1:1e5') }, /cursor/],
      ['/v1/contacts', { listId: 'nope' }, /listId/],
    ])('GET %s %j', async (path, query, named) => {
      const response = await request(engine.url).get(path).query(query).set(engine.auth);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(named);
    });

    it("a channel's events with a cursor of another listing", async () => {
      const channel = { name: 'c', phoneNumber: '+4930123456', apiKey: 'some-api-key-0001', apiGeneration: 'cloud', baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false };
      const created = await request(engine.url).post('/v1/channels').set(engine.auth).send(channel).expect(201);
      for (const cursor of [b64('x1:whatever'), b64(`ch1:Tue, 31 Feb 2020|${randomUUID()}`)]) {
        const response = await request(engine.url).get(`/v1/channels/${created.body.id}/events`).query({ cursor }).set(engine.auth).expect(400);
        expect(response.body.message).toMatch(/cursor/);
      }
    });

    it.each([
      ['/v1/campaigns/not-a-uuid', /id|uuid/],
      ['/v1/campaigns/not-a-uuid/report', /^id "not-a-uuid" is not a campaign id/],
      ['/v1/campaigns/not-a-uuid/recipients', /^id "not-a-uuid" is not a campaign id/],
      ['/v1/channels/not-a-uuid', /not a channel id/],
      ['/v1/contacts/12abc', /^id "12abc" is not a contact id/],
      ['/v1/contacts/99999999999999999999', /^id "99999999999999999999" is not a contact id/],
      ['/v1/lists/nope', /^id "nope" is not a list id/],
      ['/v1/contacts/imports/nope', /^id "nope" is not an import id/],
    ])('GET %s', async (path, named) => {
      const response = await request(engine.url).get(path).set(engine.auth);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(named);
    });
  });

  describe('JSON nesting depth', () => {
    it('template parameters nested 100k deep answer 400, and the engine carries on', async () => {
      const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      const body = `{"name":"x","channelId":"${randomUUID()}","listId":"${randomUUID()}","template":{"name":"t","language":"en","components":[{"type":"body","parameters":[${deep}]}]}}`;
      const response = await request(engine.url).post('/v1/campaigns').set(engine.auth).set('content-type', 'application/json').send(body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/nested deeper than 32 levels \(JSON_MAX_DEPTH\)/);
      await request(engine.url).get('/health').expect(200);
    });

    it('a body within the depth limit is parsed as before (proto poisoning still refused)', async () => {
      const response = await request(engine.url).post('/v1/channels').set(engine.auth).set('content-type', 'application/json').send('{"__proto__":{"x":1}}');
      expect(response.status).toBe(400);
      const invalid = await request(engine.url).post('/v1/channels').set(engine.auth).set('content-type', 'application/json').send('{"name":');
      expect(invalid.status).toBe(400);
    });
  });

  describe('malformed multipart (found by the fuzz test)', () => {
    it.each(['{}', '--fuzz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nphone\n+4915112345678'])(
      'an upload the multipart parser refuses answers 400: %j',
      async (body) => {
        const response = await request(engine.url).post('/v1/contacts/imports').set(engine.auth).set('content-type', 'multipart/form-data; boundary=fuzz').send(body);
        expect(response.status).toBe(400);
        expect(response.body.message).toMatch(/^The upload is not well-formed multipart\/form-data/);
      },
    );
  });

  describe('access log', () => {
    it('one line per request: method, route, status, duration, request id; tokens and the CSV grant redacted', async () => {
      const campaignId = randomUUID();
      const grant = 'g1.1796400000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const answer = await request(engine.url).get(`/campaigns/${campaignId}/report.csv`).query({ grant, other: 'kept' }).set('x-request-id', 'req-4711');
      expect(answer.headers['x-request-id']).toBe('req-4711');
      await request(engine.url).get(`/v1/campaigns/${campaignId}`).set(engine.auth).expect(404);

      await waitForLog(() => logLines.some((line) => line.includes(`/v1/campaigns/${campaignId}`)));
      const access = logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.req && entry.res);
      const csvLines = access.filter((entry) => String(entry.req.url).startsWith(`/campaigns/${campaignId}/report.csv`));
      expect(csvLines).toHaveLength(1);
      expect(csvLines[0]).toMatchObject({
        req: { id: 'req-4711', method: 'GET', url: `/campaigns/${campaignId}/report.csv?grant=REDACTED&other=kept` },
        res: { statusCode: answer.status },
        route: '/campaigns/:id/report.csv',
        responseTime: expect.any(Number),
      });
      const apiLines = access.filter((entry) => entry.req.url === `/v1/campaigns/${campaignId}`);
      expect(apiLines).toHaveLength(1);
      expect(apiLines[0]).toMatchObject({ req: { method: 'GET', id: expect.stringMatching(/^[0-9a-f-]{36}$/) }, res: { statusCode: 404 }, route: '/v1/campaigns/:id', msg: 'GET /v1/campaigns/:id 404' });

      // The webhook route is logged by a Fastify hook (pino-http is mounted on the API only, for speed): same line.
      const channelId = randomUUID();
      const webhookAuth = 'Basic ' + Buffer.from('hook-user:hook-secret-4711').toString('base64');
      await request(engine.url).post(`/webhooks/360dialog/${channelId}`).set('authorization', webhookAuth).set('x-request-id', 'hook-4711').send({ statuses: [] });
      await waitForLog(() => logLines.some((line) => line.includes(`/webhooks/360dialog/${channelId}`)));
      const hookLines = logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.req?.url === `/webhooks/360dialog/${channelId}`);
      expect(hookLines).toHaveLength(1);
      expect(hookLines[0]).toMatchObject({
        req: { id: 'hook-4711', method: 'POST' },
        res: { statusCode: 404 },
        route: '/webhooks/360dialog/:channelId',
        responseTime: expect.any(Number),
        msg: 'POST /webhooks/360dialog/:channelId 404',
      });

      // Outside the API (docs, the console's files, unknown paths) the hook writes the line, once.
      const unknownPath = `/no-such-page-${channelId}`;
      await request(engine.url).get(unknownPath).expect(404);
      await request(engine.url).get('/docs-json').set('x-request-id', `docs-${channelId}`).expect(200);
      await waitForLog(() => logLines.some((line) => line.includes(`docs-${channelId}`)));
      const outside = logLines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.req?.url === unknownPath || entry.req?.id === `docs-${channelId}`);
      expect(outside.map((entry) => entry.msg).sort()).toEqual(['GET - 404', 'GET /docs-json 200']);

      const everything = logLines.join('\n');
      expect(everything).not.toContain(grant);
      expect(everything).not.toContain(webhookAuth.slice(6));
      expect(everything).not.toContain(engine.token);
    });
  });
});

async function waitForLog(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
}
