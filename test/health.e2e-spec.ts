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
