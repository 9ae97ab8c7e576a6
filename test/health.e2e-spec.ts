import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';

describe('operations', () => {
  let engine: TestApp;
  beforeAll(async () => {
    engine = await createTestApp();
  });
  afterAll(() => engine.close());

  it('GET /health answers 200 with the database up', async () => {
    const response = await request(engine.url).get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details.database.status).toBe('up');
  });

  it('serves the OpenAPI document and Prometheus metrics without a token', async () => {
    const docs = await request(engine.url).get('/docs-json').expect(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    const ui = await request(engine.url).get('/docs').expect(200);
    expect(ui.text).toContain('swagger');
    const metrics = await request(engine.url).get('/metrics').expect(200);
    expect(metrics.text).toContain('wa_messages_sent_total');
  });
});

describe('/metrics with METRICS_TOKEN set', () => {
  const token = 'metrics-token-0123456789abcdef';
  let engine: TestApp;
  beforeAll(async () => {
    engine = await createTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => engine.close());

  it.each([
    ['no Authorization header', undefined],
    ['the API token instead', `Bearer ${'wrong-token-0123456789abcdef'}`],
    ['a wrong scheme', `Basic ${token}`],
  ])('answers 401 to %s', async (_, authorization) => {
    const call = request(engine.url).get('/metrics');
    if (authorization) call.set('Authorization', authorization);
    const response = await call.expect(401);
    expect(response.body.message).toContain('METRICS_TOKEN');
  });

  it('serves the metrics to a scrape with the token, and /health stays open', async () => {
    const metrics = await request(engine.url).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(metrics.text).toContain('wa_messages_sent_total');
    await request(engine.url).get('/health').expect(200);
  });
});
