import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { createCampaignFixture, groundTruth } from './report-fixtures.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('delivery report API', () => {
  let engine: TestApp;
  let campaignId: string;

  beforeAll(async () => {
    engine = await createTestApp({ env: { ROLE: 'api', SENDER_ENABLED: 'false' } });
    ({ campaignId } = await createCampaignFixture(engine.dataSource, { recipients: 100, name: 'Spring sale' }));
    // 100 recipients: 36 pending (6 waiting for the send window, 2 for a retry), 3 sending, 10 sent,
    // 20 delivered, 15 read, 8 failed (5 × 131026, 3 × 131047; 2 of them after a send), 5 skipped,
    // 2 cancelled, 1 unknown.
    const ds = engine.dataSource;
    const range = (from: number, to: number) => `id IN (SELECT id FROM campaign_recipients WHERE campaign_id = '${campaignId}' ORDER BY id OFFSET ${from} LIMIT ${to - from})`;
    await ds.query(`UPDATE campaign_recipients SET waiting_reason = 'send_window', next_attempt_at = now() + interval '2 hours' WHERE ${range(0, 6)}`);
    await ds.query(`UPDATE campaign_recipients SET waiting_reason = 'send_window', next_attempt_at = now() + interval '1 hour' WHERE ${range(0, 1)}`);
    await ds.query(`UPDATE campaign_recipients SET waiting_reason = 'retry', attempts = 1, next_attempt_at = now() + interval '30 seconds' WHERE ${range(6, 8)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'sending', attempts = 1 WHERE ${range(36, 39)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'sent', sent_at = now() - interval '5 seconds', message_id = 'wamid.' || id WHERE ${range(39, 49)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'delivered', sent_at = now() - interval '4 seconds', delivered_at = now(), message_id = 'wamid.' || id WHERE ${range(49, 69)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'read', sent_at = now() - interval '3 seconds', delivered_at = now(), read_at = now(), message_id = 'wamid.' || id WHERE ${range(69, 84)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131026, error_title = 'Message undeliverable' WHERE ${range(84, 89)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131047, error_title = 'Re-engagement message', sent_at = now() - interval '2 seconds' WHERE ${range(89, 91)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131047, error_title = 'Re-engagement message' WHERE ${range(91, 92)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'skipped', skip_reason = 'missing value for {{first_name}}' WHERE ${range(92, 97)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'cancelled' WHERE ${range(97, 99)}`);
    await ds.query(`UPDATE campaign_recipients SET status = 'unknown' WHERE ${range(99, 100)}`);
  }, 60_000);
  afterAll(() => engine.close());

  describe('GET /v1/campaigns/:id/report', () => {
    it('answers the contract: counts add up to total, reached is cumulative, errors most frequent first', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
      expect(body).toMatchObject({
        campaignId,
        name: 'Spring sale',
        status: 'running',
        total: 100,
        counts: { pending: 36, sending: 3, sent: 10, delivered: 20, read: 15, failed: 8, skipped: 5, cancelled: 2, unknown: 1 },
        reached: { sent: 47, delivered: 35, read: 15 },
        errors: [
          { code: 131026, title: 'Message undeliverable', count: 5 },
          { code: 131047, title: 'Re-engagement message', count: 3 },
        ],
      });
      const sum = Object.values(body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(sum).toBe(body.total);
      expect(body.reached.sent).toBeGreaterThanOrEqual(body.reached.delivered);
      expect(body.reached.delivered).toBeGreaterThanOrEqual(body.reached.read);

      const truth = await groundTruth(engine.dataSource, campaignId);
      expect(body.counts).toEqual(truth.counts);
      expect(body.reached).toEqual(truth.reached);
    });

    it('has a timeline, the recent send rate and an ETA while running', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
      const [bounds] = await engine.dataSource.query(
        'SELECT min(sent_at) AS first, max(sent_at) AS last, (SELECT scheduled_at FROM campaigns WHERE id = $1) AS scheduled FROM campaign_recipients WHERE campaign_id = $1',
        [campaignId],
      );
      expect(body.timeline).toEqual({
        scheduledAt: new Date(bounds.scheduled).toISOString(),
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        firstSentAt: new Date(bounds.first).toISOString(),
        lastSentAt: new Date(bounds.last).toISOString(),
        completedAt: null,
        cancelledAt: null,
      });
      // 47 sends within the last 10 s.
      expect(body.sendRate.perSecond).toBeGreaterThan(0);
      expect(body.sendRate.windowSeconds).toBeLessThanOrEqual(10);
      expect(body.eta.remaining).toBe(39);
      expect(body.eta.secondsRemaining).toBe(Math.ceil(39 / body.sendRate.perSecond));
      expect(Date.parse(body.eta.completesAt)).toBeGreaterThan(Date.parse(body.generatedAt));
    });

    it('groups waiting recipients by reason with the earliest next attempt', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
      const truth = await groundTruth(engine.dataSource, campaignId);
      expect(body.waiting).toEqual(truth.waiting);
      expect(body.waiting.map((group: { reason: string; count: number }) => [group.reason, group.count])).toEqual([
        ['send_window', 6],
        ['retry', 2],
      ]);
    });

    it('has no ETA once the campaign is not running', async () => {
      const { campaignId: paused } = await createCampaignFixture(engine.dataSource, { recipients: 3, status: 'paused' });
      const { body } = await request(engine.url).get(`/v1/campaigns/${paused}/report`).set(engine.auth).expect(200);
      expect(body.eta).toBeNull();
      expect(body.total).toBe(3);
      expect(body.sendRate).toEqual({ perSecond: 0, windowSeconds: 10 });
      expect(body.timeline.firstSentAt).toBeNull();
    });
  });

  describe('GET /v1/campaigns/:id/recipients', () => {
    it('pages through every recipient exactly once by keyset', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response: request.Response = await request(engine.url)
          .get(`/v1/campaigns/${campaignId}/recipients`)
          .query({ limit: 7, ...(cursor ? { cursor } : {}) })
          .set(engine.auth)
          .expect(200);
        seen.push(...response.body.items.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(15);
      expect(seen).toHaveLength(100);
      expect(new Set(seen).size).toBe(100);
      expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(seen);
    });

    it('maps items to the contract, with ids as strings and ISO timestamps', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients?status=read&limit=1`).set(engine.auth).expect(200);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toEqual({
        id: expect.any(String),
        contactId: expect.any(String),
        phone: expect.stringMatching(/^\+1555\d+$/),
        status: 'read',
        messageId: expect.stringMatching(/^wamid\./),
        errorCode: null,
        errorTitle: null,
        sentAt: expect.stringMatching(/Z$/),
        deliveredAt: expect.stringMatching(/Z$/),
        readAt: expect.stringMatching(/Z$/),
        failedAt: null,
        skipReason: null,
        waitingReason: null,
        nextAttemptAt: null,
        attempts: 0,
        pricing: null,
        userId: null,
        repliedAt: null,
        clickedButton: null,
        variant: null,
      });
      expect(body.nextCursor).toEqual(expect.any(String));
    });

    it.each([
      [{ status: 'failed' }, 8],
      [{ status: 'pending' }, 36],
      [{ status: 'cancelled' }, 2],
      [{ errorCode: 131026 }, 5],
      [{ errorCode: 131047 }, 3],
      [{ status: 'failed', errorCode: 131047 }, 3],
      [{ status: 'read', errorCode: 131047 }, 0],
      [{ errorCode: 404 }, 0],
      [{ errorCode: 2147483647 }, 0],
      [{ errorCode: -2147483648 }, 0],
    ])('filters by %j → %d', async (filter, expected) => {
      const { body } = await request(engine.url)
        .get(`/v1/campaigns/${campaignId}/recipients`)
        .query({ ...filter, limit: 1000 })
        .set(engine.auth)
        .expect(200);
      expect(body.items).toHaveLength(expected);
      expect(body.nextCursor).toBeNull();
      for (const item of body.items) {
        if ('status' in filter) expect(item.status).toBe(filter.status);
        if ('errorCode' in filter) expect(item.errorCode).toBe(filter.errorCode);
      }
    });

    it('shows why pending recipients wait and skipped ones were skipped', async () => {
      const pending = await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients?status=pending&limit=8`).set(engine.auth).expect(200);
      expect(pending.body.items.map((item: { waitingReason: string }) => item.waitingReason)).toEqual([
        ...Array(6).fill('send_window'),
        'retry',
        'retry',
      ]);
      expect(pending.body.items[0].nextAttemptAt).toEqual(expect.stringMatching(/Z$/));
      const skipped = await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients?status=skipped&limit=1`).set(engine.auth).expect(200);
      expect(skipped.body.items[0].skipReason).toBe('missing value for {{first_name}}');
    });

    it('400 for an unknown status, naming the allowed ones', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients?status=bounced`).set(engine.auth).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toContain('status must be one of: pending, sending, sent, delivered, read, failed, skipped, cancelled, unknown');
      expect(body.allowed).toEqual(['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'unknown']);
    });

    it.each([
      ['a cursor it did not issue', { cursor: 'bm90LWEtY3Vyc29y' }, /cursor/],
      ['a limit of 0', { limit: 0 }, /limit/],
      ['a limit above 1000', { limit: 1001 }, /limit/],
      ['a limit that is not a number', { limit: 'ten' }, /limit/],
      ['an error code that is not a number', { errorCode: 'x' }, /errorCode/],
      ['an error code above the 32-bit range of the column', { errorCode: '3000000000' }, /errorCode/],
      ['an error code below it', { errorCode: '-2147483649' }, /errorCode/],
      ['an error code that is not an integer', { errorCode: '1.5' }, /errorCode/],
      ['an unknown parameter', { color: 'blue' }, /color/],
    ])('400 for %s', async (_name, query, message) => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients`).query(query).set(engine.auth).expect(400);
      expect(body.message).toMatch(message);
    });
  });

  describe('GET /v1/campaigns/:id/report/timeseries', () => {
    it('buckets sends and deliveries; their sums equal the reached counts', async () => {
      const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report/timeseries`).set(engine.auth).expect(200);
      expect(body.bucket).toBe('second');
      const sent = body.items.reduce((sum: number, point: { sent: number }) => sum + point.sent, 0);
      const delivered = body.items.reduce((sum: number, point: { delivered: number }) => sum + point.delivered, 0);
      expect(sent).toBe(47);
      expect(delivered).toBe(35);
      const times = body.items.map((point: { t: string }) => Date.parse(point.t));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      for (const time of times) expect(time % 1000).toBe(0);
    });

    it('answers only buckets from `from` on, and coarser buckets on request', async () => {
      const all = await request(engine.url).get(`/v1/campaigns/${campaignId}/report/timeseries`).set(engine.auth).expect(200);
      const last = all.body.items[all.body.items.length - 1];
      const since = await request(engine.url)
        .get(`/v1/campaigns/${campaignId}/report/timeseries`)
        .query({ bucket: 'second', from: last.t })
        .set(engine.auth)
        .expect(200);
      expect(since.body.items).toEqual([last]);
      const hourly = await request(engine.url).get(`/v1/campaigns/${campaignId}/report/timeseries?bucket=hour`).set(engine.auth).expect(200);
      expect(hourly.body.bucket).toBe('hour');
      expect(hourly.body.items.reduce((sum: number, point: { sent: number }) => sum + point.sent, 0)).toBe(47);
    });

    it.each([[{ bucket: 'week' }], [{ from: 'yesterday' }]])('400 for %j', async (query) => {
      await request(engine.url).get(`/v1/campaigns/${campaignId}/report/timeseries`).query(query).set(engine.auth).expect(400);
    });
  });

  describe('errors and auth', () => {
    const routes = (id: string) => [
      `/v1/campaigns/${id}/report`,
      `/v1/campaigns/${id}/recipients`,
      `/v1/campaigns/${id}/report.csv`,
      `/v1/campaigns/${id}/report/timeseries`,
    ];

    it.each([['an unknown campaign', UNKNOWN]])('404 for %s', async (_name, id) => {
      for (const route of routes(id)) {
        const { body } = await request(engine.url).get(route).set(engine.auth).expect(404);
        expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: `Campaign ${id} not found` });
      }
    });

    it('400 naming the parameter for a malformed id', async () => {
      for (const route of routes('not-a-uuid')) {
        const { body } = await request(engine.url).get(route).set(engine.auth).expect(400);
        expect(body.message).toMatch(/^id "not-a-uuid" is not a campaign id: it must be a UUID/);
      }
    });

    it('401 without the token or with a wrong one', async () => {
      for (const route of routes(campaignId)) {
        const missing = await request(engine.url).get(route).expect(401);
        expect(missing.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
        await request(engine.url).get(route).set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      }
    });

    it('documents every report route in the OpenAPI document', async () => {
      const { body } = await request(engine.url).get('/docs-json').expect(200);
      for (const path of [
        '/v1/campaigns/{id}/report',
        '/v1/campaigns/{id}/recipients',
        '/v1/campaigns/{id}/report.csv',
        '/v1/campaigns/{id}/report/timeseries',
        '/campaigns',
        '/campaigns/{id}',
      ]) {
        expect(body.paths[path]?.get).toBeDefined();
      }
      expect(body.paths['/v1/campaigns/{id}/report'].get.security).toEqual([{ bearer: [] }]);
    });
  });

  describe('web pages', () => {
    it('the old report page addresses redirect to the web console (test/console.e2e-spec.ts walks it)', async () => {
      await request(engine.url).get('/campaigns').expect(302).expect('location', '/#/campaigns');
      await request(engine.url).get(`/campaigns/${campaignId}`).expect(302).expect('location', `/#/campaigns/${campaignId}`);
      const odd = await request(engine.url).get('/campaigns/%3Cscript%3Ealert(1)%3C%2Fscript%3E').expect(302);
      expect(odd.headers.location).toBe('/#/campaigns/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    });
  });
});
