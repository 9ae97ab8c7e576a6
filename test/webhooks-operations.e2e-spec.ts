import { createHmac } from 'node:crypto';
import { CLAIM_INBOX_BATCH, CLAIM_PLAN_DEFAULTS, CLAIM_PLAN_SETTINGS } from '../src/webhooks/webhooks.queries.js';
import { createTestApp, type TestApp } from './app.js';
import {
  type ChannelFixture,
  cloudStatuses,
  countersAndTruth,
  insertCampaign,
  insertChannel,
  insertRecipient,
  postWebhook,
  type RecipientFixture,
  waitFor,
} from './webhooks-fixtures.js';

const T0 = 1_767_000_000;
const SECRET = 'partner-secret-for-tests';


describe('webhooks: signature, outages, roles and several workers', () => {
  let api: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;

  beforeAll(async () => {
    // ROLE=api: receives and stores, never processes; the partner signature is required.
    api = await createTestApp({ env: { ROLE: 'api', WEBHOOK_PARTNER_SECRET: SECRET } });
    channel = await insertChannel(api.dataSource);
    campaignId = await insertCampaign(api.dataSource, channel.id);
  });
  afterAll(() => api.close());

  const sign = (raw: string) => createHmac('sha256', SECRET).update(raw).digest('hex');

  it('requires x-360dialog-signature when a partner secret is configured: hex, with or without sha256=', async () => {
    const raw = JSON.stringify(cloudStatuses([{ id: 'wamid.sig', status: 'sent', timestamp: T0 }]));
    expect(await postWebhook(api.url, channel, raw)).toBe(401);
    expect(await postWebhook(api.url, channel, raw, { 'x-360dialog-signature': sign(`${raw} `) })).toBe(401);
    expect(await postWebhook(api.url, channel, raw, { 'x-360dialog-signature': 'sha256=zz' })).toBe(401);
    expect(await postWebhook(api.url, channel, raw, { 'x-360dialog-signature': sign(raw) })).toBe(200);
    expect(await postWebhook(api.url, channel, raw, { 'x-360dialog-signature': `sha256=${sign(raw)}` })).toBe(200);
    const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE body = $1`, [raw]);
    expect(n).toBe(2);
  });

  it('checks the signature before judging the body', async () => {
    expect(await postWebhook(api.url, channel, 'not json')).toBe(401);
    expect(await postWebhook(api.url, channel, 'not json', { 'x-360dialog-signature': sign('not json') })).toBe(400);
  });

  it('answers 503 (so 360dialog retries) while the database cannot store, and 200 again afterwards', async () => {
    const raw = JSON.stringify(cloudStatuses([{ id: 'wamid.outage', status: 'sent', timestamp: T0 }]));
    await api.dataSource.query(`ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away`);
    try {
      const statuses = await Promise.all([1, 2, 3].map(() => postWebhook(api.url, channel, raw, { 'x-360dialog-signature': sign(raw) })));
      expect(statuses).toEqual([503, 503, 503]);
    } finally {
      await api.dataSource.query(`ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox`);
    }
    expect(await postWebhook(api.url, channel, raw, { 'x-360dialog-signature': sign(raw) })).toBe(200);
  });

  it('claims a batch by walking the due index in order, however large the backlog and whatever the statistics', async () => {
    // In a transaction rolled back at the end: the rows never reach the other tests.
    const runner = api.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO webhook_inbox (channel_id, body) SELECT $1, repeat('x', 540) FROM generate_series(1, 30000)`,
        [channel.id],
      );
      await runner.query(`UPDATE webhook_inbox SET state = 'processed' WHERE id IN (SELECT id FROM webhook_inbox ORDER BY id LIMIT 10000)`);
      await runner.query(CLAIM_PLAN_SETTINGS);
      const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${CLAIM_INBOX_BATCH}`, [1000]);
      await runner.query(CLAIM_PLAN_DEFAULTS);
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan using ix_webhook_inbox_due/);
      expect(text).not.toMatch(/Sort|Bitmap/);
      const [{ enable_bitmapscan }] = await runner.query(`SHOW enable_bitmapscan`);
      expect(enable_bitmapscan).toBe('on');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('leaves processing to workers: ROLE=api stores only; two workers on one database apply each event exactly once', async () => {
    const recipients: RecipientFixture[] = [];
    for (let index = 0; index < 60; index++) recipients.push(await insertRecipient(api.dataSource, campaignId, channel.id));
    const bodies = recipients.flatMap((r) =>
      (['delivered', 'read', 'delivered'] as const).map((status, index) =>
        JSON.stringify(cloudStatuses([{ id: r.messageId!, status, timestamp: T0 + index, callback: `r:${r.id}` }])),
      ),
    );
    const statuses = await Promise.all(bodies.map((raw) => postWebhook(api.url, channel, raw, { 'x-360dialog-signature': sign(raw) })));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [{ pending }] = await api.dataSource.query(`SELECT count(*)::int AS pending FROM webhook_inbox WHERE state = 'pending'`);
    expect(pending).toBeGreaterThanOrEqual(bodies.length); // nothing processed by ROLE=api

    const workers = await Promise.all(
      [1, 2].map(() => createTestApp({ databaseUrl: api.databaseUrl, env: { ROLE: 'worker', WEBHOOK_PROCESSOR_BATCH_SIZE: '7' } })),
    );
    try {
      // a worker does not receive webhooks
      expect(await postWebhook(workers[0].url, channel, bodies[0])).toBe(404);
      await waitFor(
        // (the statuses of the tests above name unknown messages: they wait for a retry, attempts > 0)
        async () => (await api.dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state = 'pending' AND attempts = 0`))[0].n,
        (n: number) => n === 0,
        20_000,
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    const ids = recipients.map((r) => r.messageId);
    const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM message_events WHERE message_id = ANY($1)`, [ids]);
    expect(n).toBe(recipients.length * 2);
    const [{ read }] = await api.dataSource.query(`SELECT count(*)::int AS read FROM campaign_recipients WHERE id = ANY($1::bigint[]) AND status = 'read'`, [
      recipients.map((r) => r.id),
    ]);
    expect(read).toBe(recipients.length);
    const { counters, truth } = await countersAndTruth(api.dataSource, campaignId);
    expect(counters).toEqual(truth);
  }, 60_000);
});
