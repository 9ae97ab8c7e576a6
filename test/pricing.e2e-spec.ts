import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { PricingModule } from '../src/pricing/pricing.module.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, seedList, waitFor } from './fixtures.js';

/** Issue 14, the cost part: rate card, estimate, actual cost from the sandbox's statuses, CSV price, metrics. */
const CARD = {
  name: 'e2e card',
  currency: 'EUR',
  rates: [
    { callingCode: '49', category: 'marketing', price: 0.1131 },
    { callingCode: '49', category: 'utility', price: 0.0456 },
    { callingCode: '44', category: 'marketing', price: 0.0705 },
    { callingCode: '1', category: 'marketing', price: 0.0232 },
    { callingCode: '*', category: 'marketing', price: 0.0601 },
    { callingCode: '*', category: 'utility', price: 0.0172 },
  ],
};
const body = (text: string) => [{ type: 'body', parameters: [{ type: 'text', text }] }];
const MARKETING = { name: 'spring_sale', language: 'en', components: body('{{first_name|there}}') };
const UTILITY = { name: 'order_update', language: 'en', components: body('{{first_name|A-1}}') };

const DE = ['+4915211110001', '+4915211110002', '+4915211110003'];
const GB = ['+447700900101', '+447700900102'];
const US = ['+12025550101', '+12025550102'];
/** Fails at the webhook: its failed status carries billable:false. Priced by the "*" line in the estimate. */
const FR_FAILING = '+33612345678';

function cardFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'wa-rate-card-')), 'card.json');
  writeFileSync(path, content);
  return path;
}

describe('pricing (issue 14: cost)', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let channelId: string;
  let listId: string;

  beforeAll(async () => {
    sandbox = await createSandbox({ duplicateStatusRate: 1 });
    sandbox.addKey('pricing-key', 'cloud');
    engine = await createTestApp({ env: { PRICING_RATE_CARD: cardFile(JSON.stringify(CARD)) } });
    const channel = await createChannel(engine, { name: 'pricing', phoneNumber: '+4930123456', apiKey: 'pricing-key', apiGeneration: 'cloud', baseUrl: sandbox.url, messagesPerSecond: 50 });
    channelId = channel.id;
    await request(engine.url).post(`/v1/channels/${channelId}/webhook`).set(engine.auth).expect(200);
    ({ listId } = await seedList(engine.dataSource, 'three countries', [
      ...[...DE, ...GB, ...US, FR_FAILING].map((phone, i) => ({ phone, firstName: `Name${i}` })),
      { phone: '+4915211110099', firstName: 'Gone', optedOut: true },
    ]));
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await sandbox?.close();
  });

  const draft = async (template: object) =>
    (await request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'Cost', channelId, listId, template }).expect(201)).body.id as string;
  const estimate = async (id: string) => (await request(engine.url).get(`/v1/campaigns/${id}/estimate`).set(engine.auth).expect(200)).body;

  it('GET /v1/pricing/rate-card shows the loaded card, behind the API token', async () => {
    await request(engine.url).get('/v1/pricing/rate-card').expect(401);
    const { body: card } = await request(engine.url).get('/v1/pricing/rate-card').set(engine.auth).expect(200);
    expect(card).toEqual({
      name: 'e2e card',
      currency: 'EUR',
      example: false,
      path: expect.stringMatching(/card\.json$/),
      rates: CARD.rates.map((rate) => ({ ...rate, price: expect.any(String) })),
    });
    expect(card.rates.map((rate: { price: string }) => rate.price)).toEqual(['0.1131', '0.0456', '0.0705', '0.0232', '0.0601', '0.0172']);
  });

  it('documents the new routes and the money format in the OpenAPI document; unknown campaigns are 404, no token 401', async () => {
    const { body: doc } = await request(engine.url).get('/docs-json').expect(200);
    expect(doc.paths['/v1/pricing/rate-card'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/campaigns/{id}/estimate'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.components.schemas.CampaignReportDto.properties.cost).toBeDefined();
    expect(doc.components.schemas.CampaignCostDto.properties.actual.description).toMatch(/integer micro-units/);
    expect(doc.components.schemas.CampaignEstimateDto.properties.total.example).toBe('0.3393');
    await request(engine.url).get('/v1/campaigns/7a0c1f3e-0000-4000-8000-000000000000/estimate').set(engine.auth).expect(404);
    await request(engine.url).get('/v1/campaigns/7a0c1f3e-0000-4000-8000-000000000000/estimate').expect(401);
  });

  it('estimates a draft of contacts in three countries (and a fallback) to the cent, opted-out members left out; the registry is synced on demand', async () => {
    const id = await draft(MARKETING);
    const result = await estimate(id);
    expect(result).toMatchObject({
      campaignId: id,
      status: 'draft',
      basis: 'audience',
      template: { name: 'spring_sale', language: 'en', category: 'marketing' },
      currency: 'EUR',
      rateCard: 'e2e card',
      exampleRateCard: false,
      recipients: 8,
      free: 0,
      billable: 8,
      // 3 × 0.1131 + 2 × 0.0705 + 2 × 0.0232 + 1 × 0.0601
      total: '0.5868',
      notes: [],
    });
    expect(result.lines).toEqual([
      expect.objectContaining({ callingCode: '49', countries: ['DE'], rateCallingCode: '49', recipients: 3, billable: 3, unitPrice: '0.1131', amount: '0.3393', priced: true }),
      expect.objectContaining({ callingCode: '44', countries: expect.arrayContaining(['GB']), rateCallingCode: '44', recipients: 2, unitPrice: '0.0705', amount: '0.141', priced: true }),
      expect.objectContaining({ callingCode: '33', countries: ['FR'], rateCallingCode: '*', recipients: 1, unitPrice: '0.0601', amount: '0.0601' }),
      expect.objectContaining({ callingCode: '1', countries: expect.arrayContaining(['US', 'CA']), rateCallingCode: '1', recipients: 2, unitPrice: '0.0232', amount: '0.0464' }),
    ]);
  });

  it('a draft with an audience (two lists, an exclusion list, a where clause) is estimated on exactly the contacts the preview counts (integration)', async () => {
    // Same names as in the first list: seedList updates first_name on conflict.
    const { listId: extra } = await seedList(engine.dataSource, 'extra', [{ phone: '+4915211110050', firstName: 'Name50' }, { phone: DE[1], firstName: 'Name1' }]);
    const { listId: excluded } = await seedList(engine.dataSource, 'excluded', [
      { phone: GB[0], firstName: 'Name3' },
      { phone: US[0], firstName: 'Name5' },
    ]);
    const audience = { listIds: [listId, extra], excludeListIds: [excluded], where: [{ field: 'first_name', op: 'neq', value: 'Name0' }] };
    const { body: preview } = await request(engine.url).post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience, template: { name: MARKETING.name, language: MARKETING.language } }).expect(200);
    const { body: created } = await request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'Cost audience', channelId, audience, template: MARKETING }).expect(201);
    const result = await estimate(created.id);
    // DE[1], DE[2], +4915211110050; GB[1]; US[1]; FR: 3 × 0.1131 + 0.0705 + 0.0232 + 0.0601
    expect(preview.count).toBe(6);
    expect(result).toMatchObject({ basis: 'audience', recipients: preview.count, billable: 6, total: '0.4931' });
    // Retargeting and a segment go through the same SQL: a segment of this audience estimates the same.
    const { body: segment } = await request(engine.url).post('/v1/segments').set(engine.auth).send({ name: 'cost segment', audience }).expect(201);
    const { body: bySegment } = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Cost segment', channelId, audience: { segmentId: segment.id }, template: MARKETING })
      .expect(201);
    expect(await estimate(bySegment.id)).toMatchObject({ recipients: 6, total: '0.4931' });
  });

  it('a template the registry does not list is not priced, and the estimate says what to fix', async () => {
    const result = await estimate(await draft({ name: 'no_such_template', language: 'en', components: [] }));
    expect(result).toMatchObject({ template: { category: null }, recipients: 8, billable: 8, total: '0.00' });
    expect(result.notes).toEqual([expect.stringMatching(/^Template "no_such_template" \(en\) is not in the channel's template registry, so its category is unknown and nothing is priced/)]);
    expect(result.lines.every((line: { priced: boolean; note: string }) => !line.priced && line.note === 'template category unknown: not priced')).toBe(true);
  });

  it('a UTILITY template is free inside the customer-service window (last_inbound_at within 24 h)', async () => {
    await engine.dataSource.query(`UPDATE contacts SET last_inbound_at = now() - interval '1 hour' WHERE wa_id = $1`, [DE[0].slice(1)]);
    await engine.dataSource.query(`UPDATE contacts SET last_inbound_at = now() - interval '25 hours' WHERE wa_id = $1`, [DE[1].slice(1)]);
    try {
      const result = await estimate(await draft(UTILITY));
      // DE: 2 billable × 0.0456; GB, US, FR: 5 × 0.0172 (the "*" utility line)
      expect(result).toMatchObject({ template: { category: 'utility' }, recipients: 8, free: 1, billable: 7, total: '0.1772' });
      expect(result.lines[0]).toMatchObject({ callingCode: '49', recipients: 3, free: 1, billable: 2, amount: '0.0912' });
    } finally {
      await engine.dataSource.query('UPDATE contacts SET last_inbound_at = NULL');
    }
  });

  it('after the sandbox’s statuses (sent, delivered, read, each twice) the actual cost is billable messages × card price, each message once', async () => {
    sandbox.configure({ failingNumbers: { [FR_FAILING.slice(1)]: { code: 131026, title: 'Message undeliverable', when: 'webhook' } } });
    const id = await draft(MARKETING);
    await request(engine.url).post(`/v1/campaigns/${id}/schedule`).set(engine.auth).send({ scheduledAt: new Date().toISOString() }).expect((response) => {
      if (response.status >= 300) throw new Error(`schedule: ${response.status} ${JSON.stringify(response.body)}`);
    });
    await waitFor('7 read and 1 failed', async () => {
      const rows: Array<{ status: string; n: number }> = await engine.dataSource.query(
        'SELECT status, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status',
        [id],
      );
      const by = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      return by.read === 7 && by.failed === 1;
    }, 30_000);
    // Every status of every message arrived; pricing rode on each of sent, delivered, read.
    await waitFor('all statuses recorded', async () => {
      const [row] = await engine.dataSource.query(
        `SELECT count(*)::int AS n FROM message_events e JOIN campaign_recipients r ON r.message_id = e.message_id WHERE r.campaign_id = $1`,
        [id],
      );
      return row.n === 7 * 3 + 1;
    });
    const { body: report } = await request(engine.url).get(`/v1/campaigns/${id}/report`).set(engine.auth).expect(200);
    expect(report.cost).toEqual({
      currency: 'EUR',
      estimated: '0.5868',
      actual: '0.5267', // 3 × 0.1131 + 2 × 0.0705 + 2 × 0.0232: the failed French message is not billable
      billableMessages: 7,
      byCategory: [{ category: 'marketing', messages: 7, amount: '0.5267', priced: true }],
      rateCard: 'e2e card',
    });
    expect(sandbox.stats().duplicateStatuses).toBeGreaterThan(0);
    // The trigger's counts equal the rows: the audience (not skipped) and the charged messages, per number prefix.
    const [counted, truth] = await Promise.all([
      engine.dataSource.query(
        `SELECT key, prefix, sum(count)::int AS n FROM campaign_cost_counters WHERE campaign_id = $1 GROUP BY key, prefix HAVING sum(count) <> 0 ORDER BY key, prefix`,
        [id],
      ),
      engine.dataSource.query(
        `SELECT key, prefix, count(*)::int AS n FROM (
           SELECT 'audience' AS key, left(wa_id, 4) AS prefix FROM campaign_recipients WHERE campaign_id = $1 AND status <> 'skipped'
           UNION ALL
           SELECT 'charged:' || pricing_category, left(wa_id, 4) FROM campaign_recipients WHERE campaign_id = $1 AND billable AND pricing_type = 'regular'
         ) t GROUP BY key, prefix ORDER BY key, prefix`,
        [id],
      ),
    ]);
    expect(counted).toEqual(truth);

    expect(await estimate(id)).toMatchObject({ basis: 'recipients', recipients: 8, total: '0.5868' });

    const csv = await request(engine.url).get(`/v1/campaigns/${id}/report.csv`).set(engine.auth).expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toContain(',billable,price');
    const priceAt = lines[0].split(',').indexOf('price');
    const prices = Object.fromEntries(lines.slice(1).map((line) => [line.split(',')[0].replace(/["']/g, ''), line.split(',')[priceAt].replace(/"/g, '')]));
    expect(prices).toEqual({
      [DE[0]]: '0.1131', [DE[1]]: '0.1131', [DE[2]]: '0.1131',
      [GB[0]]: '0.0705', [GB[1]]: '0.0705',
      [US[0]]: '0.0232', [US[1]]: '0.0232',
      [FR_FAILING]: '0.00', // failed, billable:false
      '+4915211110099': '', // opted out: skipped, never sent, no pricing
    });

    const metrics = (await request(engine.url).get('/metrics').expect(200)).text;
    expect(metrics).toContain(`wa_charged_messages_total{channel="${channelId}",category="marketing"} 7`);
    const cost = metrics.match(new RegExp(`wa_message_cost_total\\{channel="${channelId}",category="marketing",currency="EUR"\\} ([0-9.e-]+)`));
    expect(Number(cost?.[1])).toBeCloseTo(0.5267, 9);
  }, 60_000);

  it.each([
    ['a price given as a string', { ...CARD, rates: [...CARD.rates, { callingCode: '33', category: 'marketing', price: '0.05' }] }, /rates\[6\] \{"callingCode":"33".*price: must be a JSON number/],
    ['an unknown category', { ...CARD, rates: [{ callingCode: '49', category: 'promo', price: 0.1 }] }, /rates\[0\].*category: must be one of/],
  ])('a malformed card (%s) stops the engine at start, naming the bad entry', async (_case, card, message) => {
    // The pricing module as the application builds it at start (the full engine would also open a database first).
    const config = loadConfig({ NODE_ENV: 'test', PRICING_RATE_CARD: cardFile(JSON.stringify(card)), DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-rate-card-data-')) });
    await expect(Test.createTestingModule({ imports: [ConfigModule.forRoot(config), PricingModule] }).compile()).rejects.toThrow(message);
  });
});
