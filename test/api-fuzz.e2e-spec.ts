import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';

/**
 * Issue 15: a property-based fuzz test over the engine's own OpenAPI document. Every documented
 * operation is called with malformed ids, cursors, query values, bodies and headers generated from
 * the document, on a real engine and a real database, and nothing may answer 5xx. The number of runs
 * is bounded (FUZZ_RUNS, default 400) so the file stays well under a minute; a failure prints
 * fast-check's seed and the shrunk request to replay it.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[];
  hasBody: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const ref = Object.values(content)[0]?.schema?.$ref;
      const schema = ref ? document.components?.schemas?.[ref.split('/').at(-1) ?? ''] : undefined;
      operations.push({
        method: method as Operation['method'],
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        bodyProperties: Object.keys(schema?.properties ?? {}),
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return operations;
}

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const anyText = fc.string({ unit: 'grapheme', maxLength: 40 });
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Cursors that look like the engine's own (kind, version, parts) with bad parts, and plain garbage. */
const cursor = fc.oneof(
  anyText,
  fc
    .tuple(
      fc.constantFrom('k', 'ch', 'l', 'c', 'r', 'e', 'x', ''),
      fc.constantFrom('1', '2', ''),
      fc.array(
        fc.oneof(
          fc.constantFrom('Tue, 31 Feb 2020', '2020-02-31T00:00:00Z', '2020-01-01T00:00:00.000Z', '9999999999999999999', '-1', '1e5', 'NaN', ''),
          fc.uuid().map(String),
          anyText,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([kind, version, parts]) => b64(`${kind}${version}:${parts.join('|')}`)),
  fc.stringMatching(/^[0-9]{1,25}$/),
);

const queryValue = fc.oneof(cursor, printable, fc.integer().map(String), fc.constantFrom('', 'null', '1e309', 'NaN', '-1', '0', '501', 'true', '[]', '{}'));

const deepJson = fc.integer({ min: 30, max: 20_000 }).chain((depth) =>
  fc.constantFrom(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

function bodyFor(operation: Operation): fc.Arbitrary<string | undefined> {
  const shaped =
    operation.bodyProperties.length > 0
      ? fc
          .record(Object.fromEntries(operation.bodyProperties.map((name) => [name, fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyText, fc.uuid().map(String))])), {
            requiredKeys: [],
          })
          .map((value) => JSON.stringify(value))
      : fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: shaped },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyText },
    { weight: 1, arbitrary: deepJson },
  );
}

describe('API fuzz: nothing answers 5xx', () => {
  let engine: TestApp;
  let upstream: Server;
  let document: OpenApiDocument;
  const ids: Record<string, string[]> = { channel: [], campaign: [], list: [], contact: [], import: [] };

  beforeAll(async () => {
    // A well-behaved upstream, so that calls the fuzz makes through a real channel get real answers.
    // It answers /v1/configs/phone_number with the channel's number, so the phone-number check passes.
    upstream = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"waba_templates":[],"count":0,"total":0,"phone_number":"4930123456"}'),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    engine = await createTestApp({ env: { LOG_LEVEL: 'fatal', SENDER_ENABLED: 'false', SEND_TIMEOUT_MS: '1000' } });
    document = (await request(engine.url).get('/docs-json').expect(200)).body as OpenApiDocument;

    const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const channel = await request(engine.url)
      .post('/v1/channels')
      .set(engine.auth)
      .send({ name: 'Fuzz', phoneNumber: '+4930123456', apiKey: 'fuzz-api-key-0001', apiGeneration: 'cloud', baseUrl })
      .expect(201);
    ids.channel.push(channel.body.id);
    const upload = await request(engine.url)
      .post('/v1/contacts/imports')
      .set(engine.auth)
      .attach('file', Buffer.from('phone,first_name,opted_in_at\n+4915112345678,Maria,2026-01-10\n'), 'contacts.csv')
      .field('list', 'fuzz')
      .expect((response) => expect(response.status).toBeLessThan(300));
    ids.import.push(upload.body.id);
    for (let attempt = 0; attempt < 100; attempt++) {
      const state = await request(engine.url).get(`/v1/contacts/imports/${upload.body.id}`).set(engine.auth);
      if (state.body.listId && ['completed', 'failed'].includes(state.body.status)) {
        ids.list.push(state.body.listId);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const contacts = await request(engine.url).get('/v1/contacts').set(engine.auth).expect(200);
    ids.contact.push(...contacts.body.items.map((item: { id: string }) => item.id));
    const campaign = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Fuzz', channelId: ids.channel[0], listId: ids.list[0], template: { name: 'spring_sale', language: 'en', components: [] }, skipTemplateCheck: true });
    if (campaign.status === 201) ids.campaign.push(campaign.body.id);
  });

  afterAll(async () => {
    await engine?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('the document lists the operations the fuzz calls', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.filter((operation) => operation.queryParams.includes('cursor')).length).toBeGreaterThanOrEqual(5);
  });

  it(`${RUNS} generated requests over every documented operation: each answers below 500`, async () => {
    const operations = operationsOf(document);
    const known = Object.values(ids).flat();
    const pathValue = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...known) },
      { weight: 2, arbitrary: fc.uuid().map(String) },
      { weight: 2, arbitrary: anyText.filter((text) => text.length > 0) },
      { weight: 1, arbitrary: fc.constantFrom('0', '-1', '9223372036854775808', '99999999999999999999', '1e3', '%00', '..', 'null', ' ', 'ＡＢＣ', 'a'.repeat(300)) },
    );
    const authorization = fc.oneof(
      { weight: 8, arbitrary: fc.constant(`Bearer ${engine.token}`) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic Og==', 'Basic ' + 'A'.repeat(5000), `bearer ${engine.token}`, '') },
      { weight: 1, arbitrary: printable },
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=fuzz',
      'multipart/form-data',
      'application/xml',
      '',
    );
    const call = fc.constantFrom(...operations).chain((operation) =>
      fc.record({
        operation: fc.constant(operation),
        path: fc.tuple(...operation.pathParams.map(() => pathValue)),
        query: fc.dictionary(fc.constantFrom(...operation.queryParams, 'unknown', 'cursor'), fc.oneof(queryValue, fc.array(queryValue, { minLength: 2, maxLength: 3 })), {
          maxKeys: 3,
        }),
        body: operation.hasBody || operation.method !== 'get' ? bodyFor(operation) : fc.constant(undefined),
        authorization,
        contentType,
        requestId: fc.option(printable),
      }),
    );

    await fc.assert(
      fc.asyncProperty(call, async ({ operation, path, query, body, authorization: auth, contentType: type, requestId }) => {
        let url = operation.path;
        operation.pathParams.forEach((name, index) => (url = url.replace(`{${name}}`, encodeURIComponent(path[index]))));
        let pending = request(engine.url)[operation.method](url).query(query).set('Authorization', auth);
        if (requestId !== null) pending = pending.set('x-request-id', requestId);
        if (body !== undefined) pending = pending.set('content-type', type).send(body);
        const response = await pending;
        if (response.status >= 500) {
          throw new Error(`${operation.method.toUpperCase()} ${url}?${new URLSearchParams(query as Record<string, string>)} → ${response.status} ${response.text.slice(0, 300)}`);
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false },
    );
    // The engine is still fine afterwards.
    await request(engine.url).get('/health').expect(200);
  }, 120_000);
});
