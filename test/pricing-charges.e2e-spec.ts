import request from 'supertest';
import { isCharged } from '../src/pricing/rate-plan.js';
import { createTestApp, type TestApp } from './app.js';
import { type ChannelFixture, drained, insertCampaign, insertChannel, insertRecipient } from './webhooks-fixtures.js';

const T0 = 1_767_000_000;

/**
 * Issue 14, the cost of what WhatsApp said: statuses posted to the real webhook route with every kind of
 * pricing, priced by the built-in example card (PRICING_RATE_CARD unset; all numbers here are German).
 */
describe('pricing: charged messages from webhook statuses', () => {
  let engine: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;

  beforeAll(async () => {
    engine = await createTestApp();
    channel = await insertChannel(engine.dataSource);
    campaignId = await insertCampaign(engine.dataSource, channel.id);
  });
  afterAll(() => engine.close());

  async function postStatuses(statuses: Array<Record<string, unknown>>): Promise<void> {
    const body = { object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses } }] }] };
    const response = await fetch(`${engine.url}/webhooks/360dialog/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: channel.authorization },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await drained(engine.dataSource, channel.id);
  }
  const status = (recipient: { messageId: string | null; waId: string }, name: string, offset: number, pricing?: Record<string, unknown>) => ({
    id: recipient.messageId,
    status: name,
    timestamp: String(T0 + offset),
    recipient_id: recipient.waId,
    ...(pricing ? { pricing } : {}),
  });
  const PMP = (category: string, type = 'regular', billable: boolean | undefined = true) => ({
    pricing_model: 'PMP',
    category,
    type,
    ...(billable === undefined ? {} : { billable }),
  });

  it('with PRICING_RATE_CARD unset the labelled example card is in use', async () => {
    const { body } = await request(engine.url).get('/v1/pricing/rate-card').set(engine.auth).expect(200);
    expect(body).toMatchObject({ example: true, path: null, currency: 'EUR', name: expect.stringMatching(/^EXAMPLE figures, not your prices/) });
  });

  it('counts each charged message once at its card price; billable:false, free types and unpriced categories cost nothing', async () => {
    const db = engine.dataSource;
    const [marketing, freeWindow, notBillable, authentication, utility, service, unpriced] = await Promise.all(
      Array.from({ length: 7 }, () => insertRecipient(db, campaignId, channel.id)),
    );
    await postStatuses([
      status(marketing, 'sent', 1, PMP('marketing')),
      status(freeWindow, 'sent', 1, PMP('utility', 'free_customer_service')),
      status(notBillable, 'failed', 1, PMP('marketing', 'regular', false)),
      status(authentication, 'delivered', 1, PMP('authentication', 'regular', undefined)),
      status(utility, 'delivered', 2, PMP('utility')),
      status(service, 'sent', 1, PMP('service')),
      status(unpriced, 'sent', 1),
    ]);
    // The same messages again, in later batches, with pricing on delivered and read (and a repeat of each).
    for (const name of ['delivered', 'read', 'read']) {
      await postStatuses([
        status(marketing, name, 3, PMP('marketing')),
        status(utility, name === 'delivered' ? 'sent' : name, 3, PMP('utility')),
        status(authentication, name, 3, PMP('authentication')),
      ]);
    }

    const { body: report } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
    expect(report.cost).toEqual({
      currency: 'EUR',
      estimated: '0.00', // its template "t" is in no registry: the estimate prices nothing
      actual: '0.2223', // 0.1131 marketing + 0.0636 authentication + 0.0456 utility (example card, calling code 49)
      billableMessages: 4,
      byCategory: [
        { category: 'authentication', messages: 1, amount: '0.0636', priced: true },
        { category: 'marketing', messages: 1, amount: '0.1131', priced: true },
        { category: 'service', messages: 1, amount: '0.00', priced: false },
        { category: 'utility', messages: 1, amount: '0.0456', priced: true },
      ],
      rateCard: expect.stringMatching(/^EXAMPLE figures/),
    });

    // The trigger's counts equal the rule applied to the stored rows.
    const rows: Array<{ category: string | null; type: string | null; billable: boolean | null }> = await db.query(
      'SELECT pricing_category AS category, pricing_type AS type, billable FROM campaign_recipients WHERE campaign_id = $1',
      [campaignId],
    );
    const truth: Record<string, number> = {};
    for (const row of rows.filter(isCharged)) truth[`charged:${row.category}`] = (truth[`charged:${row.category}`] ?? 0) + 1;
    const counted: Array<{ key: string; n: number }> = await db.query(
      `SELECT key, sum(count)::int AS n FROM campaign_cost_counters WHERE campaign_id = $1 AND key LIKE 'charged:%' GROUP BY key HAVING sum(count) <> 0`,
      [campaignId],
    );
    expect(Object.fromEntries(counted.map((row) => [row.key, row.n]))).toEqual(truth);

    const metrics = (await request(engine.url).get('/metrics').expect(200)).text;
    for (const [category, count] of [['marketing', 1], ['authentication', 1], ['utility', 1], ['service', 1]] as const) {
      expect(metrics).toContain(`wa_charged_messages_total{channel="${channel.id}",category="${category}"} ${count}`);
    }
    expect(metrics).not.toMatch(/wa_charged_messages_total\{[^}]*category="(utility|marketing)"\} [2-9]/);
    expect(metrics).toContain(`wa_message_cost_total{channel="${channel.id}",category="marketing",currency="EUR"} 0.1131`);

    // A message that was sent and then failed with 131049 is not delivered: it waits for a retry as a new
    // message, its pricing (and its charge) goes. The failure is dated now: its retry (a day later) must
    // lie in the future, or the running sender could claim the row before it is read here.
    const limited = await insertRecipient(db, campaignId, channel.id);
    await postStatuses([status(limited, 'sent', 1, PMP('marketing'))]);
    expect((await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth)).body.cost.billableMessages).toBe(5);
    const failedNow = Math.floor(Date.now() / 1000) - T0;
    await postStatuses([{ ...status(limited, 'failed', failedNow, PMP('marketing', 'regular', false)), errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }] }]);
    const [waiting] = await db.query('SELECT status, waiting_reason, pricing_category FROM campaign_recipients WHERE id = $1', [limited.id]);
    expect(waiting).toEqual({ status: 'pending', waiting_reason: 'marketing_limit', pricing_category: null });
    expect((await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth)).body.cost).toMatchObject({ billableMessages: 4, actual: '0.2223' });

    const csv = (await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).expect(200)).text;
    const priceAt = csv.split('\n')[0].split(',').indexOf('price');
    const price = (waId: string) => csv.split('\n').find((line) => line.includes(waId))!.split(',')[priceAt].replace(/"/g, '');
    expect([marketing, freeWindow, notBillable, authentication, utility, service, unpriced].map((recipient) => price(recipient.waId))).toEqual([
      '0.1131',
      '0.00',
      '0.00',
      '0.0636',
      '0.0456',
      '', // charged, but the card has no price for service
      '', // no pricing arrived
    ]);
  });
});
