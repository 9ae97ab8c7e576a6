import { randomUUID } from 'node:crypto';
import { ClearStaleRecipientErrors1795736307535 } from '../migrations/1795736307535-ClearStaleRecipientErrors.js';
import { createTestApp, type TestApp } from './app.js';
import {
  type ChannelFixture,
  cloudInbound,
  cloudStatuses,
  countersAndTruth,
  drained,
  insertCampaign,
  insertChannel,
  insertContact,
  insertRecipient,
  nextWaId,
  onPremiseInbound,
  onPremiseStatuses,
  recipient,
  seconds,
  waitFor,
} from './webhooks-fixtures.js';

const T0 = 1_767_000_000;

describe('webhooks: receive and apply 360dialog statuses and inbound messages', () => {
  let engine: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;
  let secondChannel: ChannelFixture;

  beforeAll(async () => {
    engine = await createTestApp({ env: { WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS: '3' } });
    // channels exist before the first webhook (ChannelsService caches webhook credentials)
    channel = await insertChannel(engine.dataSource);
    secondChannel = await insertChannel(engine.dataSource);
    campaignId = await insertCampaign(engine.dataSource, channel.id);
  });
  afterAll(() => engine.close());

  const db = () => engine.dataSource;

  async function post(
    body: unknown,
    options: { channelId?: string; authorization?: string | null; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    const authorization = options.authorization === undefined ? channel.authorization : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    const response = await fetch(`${engine.url}/webhooks/360dialog/${options.channelId ?? channel.id}`, {
      method: 'POST',
      headers,
      body: options.raw ?? JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : {} };
  }

  async function postAndApply(body: unknown): Promise<void> {
    expect((await post(body)).status).toBe(200);
    await drained(db(), channel.id);
  }

  async function inboxCount(): Promise<number> {
    return (await db().query(`SELECT count(*)::int AS n FROM webhook_inbox`))[0].n;
  }

  async function events(messageId: string): Promise<string[]> {
    const rows: Array<{ status: string }> = await db().query(`SELECT status FROM message_events WHERE message_id = $1 ORDER BY status`, [messageId]);
    return rows.map((row) => row.status);
  }

  async function expectCountersTrue(): Promise<void> {
    const { counters, truth } = await countersAndTruth(db(), campaignId);
    expect(counters).toEqual(truth);
  }

  describe('the receiver', () => {
    it('answers 401 to wrong or missing credentials and stores nothing', async () => {
      const before = await inboxCount();
      const wrongPassword = `Basic ${Buffer.from(`${channel.username}:wrong`).toString('base64')}`;
      const wrongUser = `Basic ${Buffer.from(`someone:${channel.password}`).toString('base64')}`;
      for (const authorization of [wrongPassword, wrongUser, null, 'Bearer x', 'Basic !!!']) {
        const response = await post(onPremiseStatuses([{ id: 'x', status: 'sent', timestamp: T0 }]), { authorization });
        expect(response.status).toBe(401);
        expect(response.json).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
      expect(await inboxCount()).toBe(before);
    });

    it('answers 404 for an unknown channel and for an id that is not a UUID', async () => {
      for (const channelId of [randomUUID(), 'not-a-uuid', '1']) {
        const response = await post({ statuses: [] }, { channelId });
        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
    });

    it('answers 401, not 500, when the stored password hash of the channel is malformed', async () => {
      const broken = await insertChannel(db());
      await db().query(`UPDATE channels SET webhook_password_hash = 'not-a-sha256-hex' WHERE id = $1`, [broken.id]);
      const before = await inboxCount();
      // the credentials cache learns of the new channel on a miss (reloaded at most once a second)
      const status = await waitFor(
        async () => (await post(onPremiseStatuses([{ id: 'wamid.broken', status: 'sent', timestamp: T0 }]), { channelId: broken.id, authorization: broken.authorization })).status,
        (code) => code !== 404,
        5000,
      );
      expect(status).toBe(401);
      const odd = `${'ab'.repeat(31)}a`; // 63 hex digits: Buffer.from(hex) would drop the last one
      await db().query(`UPDATE channels SET webhook_password_hash = $2 WHERE id = $1`, [broken.id, odd]);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // past the miss-reload interval
      expect((await post(onPremiseStatuses([{ id: 'wamid.broken', status: 'sent', timestamp: T0 }]), { channelId: broken.id, authorization: broken.authorization })).status).toBe(401);
      expect(await inboxCount()).toBe(before);
    });

    it('does not let another channel\'s credentials in', async () => {
      const other = secondChannel;
      expect((await post({ statuses: [] }, { channelId: other.id })).status).toBe(401);
      expect((await post({ statuses: [] }, { channelId: other.id, authorization: other.authorization })).status).toBe(200);
    });

    it('stores a body that is not JSON as rejected and answers 400', async () => {
      for (const raw of ['this is not json', '{"statuses": [', '[1,2,3]', '']) {
        const response = await post(undefined, { raw });
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(String(response.json.message)).toMatch(/stored as rejected/);
        const [row] = await db().query(`SELECT state, last_error FROM webhook_inbox WHERE channel_id = $1 AND body = $2 ORDER BY id DESC LIMIT 1`, [
          channel.id,
          raw,
        ]);
        expect(row.state).toBe('rejected');
        expect(row.last_error).toBeTruthy();
      }
      const [row] = await db().query(`SELECT last_error FROM webhook_inbox WHERE body = 'this is not json'`);
      expect(row.last_error).toMatch(/^Body is not valid JSON: /);
    });

    it('keeps a body with a NUL byte (rejected, 400) without failing the insert', async () => {
      const response = await post(undefined, { raw: 'bad\u0000body' });
      expect(response.status).toBe(400);
    });

    it('accepts JSON whatever the content type says, and stores the raw bytes as sent', async () => {
      const raw = '{ "statuses" : [ ] ,"note":"spacing kept" }';
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8']) {
        expect((await post(undefined, { raw, headers: { 'content-type': contentType } })).status).toBe(200);
      }
      const rows = await db().query(`SELECT body FROM webhook_inbox WHERE body = $1`, [raw]);
      expect(rows).toHaveLength(3);
    });

    it('stores backslashes, tabs, newlines and carriage returns exactly as sent (the group commit is a COPY)', async () => {
      // COPY's text format gives these four characters a meaning of their own: copyValue escapes them.
      const marker = `copy-escapes-${Date.now()}`;
      const accepted = `{\r\n\t"statuses": [],\n\t"marker": "${marker}",\t"note": "back\\\\slash \\n \\t \\\\N é 😀"\r\n}`;
      const rejected = `not json\t${marker}\\N\r\nsecond line \\`;
      expect((await post(undefined, { raw: accepted })).status).toBe(200);
      expect((await post(undefined, { raw: rejected })).status).toBe(400);
      const rows: Array<{ body: string; state: string; last_error: string | null }> = await db().query(
        `SELECT body, state, last_error FROM webhook_inbox WHERE body LIKE $1 ORDER BY id`,
        [`%${marker}%`],
      );
      expect(rows.map((row) => row.body)).toEqual([accepted, rejected]);
      // The processor may already have applied the accepted body (it has no statuses): either way not rejected.
      expect(['pending', 'processed']).toContain(rows[0].state);
      expect(rows[1].state).toBe('rejected');
      expect(rows[0].last_error).toBeNull();
      expect(rows[1].last_error).toMatch(/^Body is not valid JSON: /);
    });

    it('answers alike on the fast path and through Fastify (a percent-encoded channel id takes the Fastify route)', async () => {
      // webhook-fast-path.ts takes the plain URL; an encoded one (same channel once decoded) goes to webhook-route.ts.
      const encodedId = `%${channel.id.charCodeAt(0).toString(16)}${channel.id.slice(1)}`;
      const answer = async (channelId: string, authorization: string, raw: string) => {
        const response = await fetch(`${engine.url}/webhooks/360dialog/${channelId}?x=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization, 'x-request-id': `same-${channelId.length}` },
          body: raw,
        });
        return {
          status: response.status,
          contentType: response.headers.get('content-type'),
          requestId: response.headers.get('x-request-id'),
          body: (await response.json()) as unknown,
        };
      };
      const wrong = `Basic ${Buffer.from(`${channel.username}:wrong`).toString('base64')}`;
      const cases: Array<[string, string, number]> = [
        [channel.authorization, JSON.stringify(onPremiseStatuses([])), 200],
        [wrong, '{}', 401],
        [channel.authorization, '{"statuses": [', 400],
      ];
      for (const [authorization, raw, status] of cases) {
        const fast = await answer(channel.id, authorization, raw);
        const viaFastify = await answer(encodedId, authorization, raw);
        expect(fast.status).toBe(status);
        expect({ ...viaFastify, requestId: null }).toEqual({ ...fast, requestId: null });
        expect([fast.requestId, viaFastify.requestId]).toEqual([`same-${channel.id.length}`, `same-${encodedId.length}`]);
      }
      expect(await answer(randomUUID(), channel.authorization, '{}')).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
    });

    it('refuses a body over the size limit with 413', async () => {
      const raw = JSON.stringify({ statuses: [], padding: 'x'.repeat(engine.config.env.BODY_LIMIT_KB * 1024 + 10) });
      expect((await post(undefined, { raw })).status).toBe(413);
    });

    it('keeps the default JSON handling of the API routes', async () => {
      const response = await fetch(`${engine.url}/v1/channels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...engine.auth },
        body: '{"name": ',
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { message: string };
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toMatch(/^Body is not valid JSON/);
    });

    it('answers many concurrent requests, each only after its row is stored', async () => {
      const before = await inboxCount();
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, index) => post(onPremiseStatuses([{ id: `wamid.concurrent.${index}`, status: 'deleted', timestamp: T0 }]))),
      );
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(await inboxCount()).toBe(before + 200);
    });
  });

  describe('statuses', () => {
    it('a status timestamp (whole seconds) never predates the send it reports: times are floored at the dispatch', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', sentAt: null, leaseUntil: new Date(Date.now() + 60_000) });
      const dispatchedAt = new Date((T0 + 0.7) * 1000);
      await db().query('UPDATE campaign_recipients SET dispatched_at = $2 WHERE id = $1', [r.id, dispatchedAt]);
      // 360dialog stamps the second the message went out: T0, 0.7 s before the engine dispatched it.
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'sent', timestamp: T0, callback: `r:${r.id}` }]));
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'delivered', timestamp: T0, callback: `r:${r.id}` }]));
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'read', timestamp: T0 + 9, callback: `r:${r.id}` }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'read', sent_at: dispatchedAt, delivered_at: dispatchedAt, read_at: seconds(T0 + 9) });

      const failed = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', sentAt: null, leaseUntil: new Date(Date.now() + 60_000) });
      await db().query('UPDATE campaign_recipients SET dispatched_at = $2 WHERE id = $1', [failed.id, dispatchedAt]);
      await postAndApply(
        cloudStatuses([{ id: failed.messageId!, status: 'failed', timestamp: T0, callback: `r:${failed.id}`, errors: [{ code: 131026, title: 'Message undeliverable' }] }]),
      );
      expect(await recipient(db(), failed.id)).toMatchObject({ status: 'failed', failed_at: dispatchedAt, error_code: 131026 });
      await expectCountersTrue();
    });

    it('applies a Cloud sent → delivered → read sequence with the event timestamps', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sent' });
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'sent', timestamp: T0, callback: `r:${r.id}` }]));
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'delivered', timestamp: T0 + 5, callback: `r:${r.id}` }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'delivered', sent_at: seconds(T0), delivered_at: seconds(T0 + 5), read_at: null });
      await postAndApply(cloudStatuses([{ id: r.messageId!, status: 'read', timestamp: T0 + 60, callback: `r:${r.id}` }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'read', delivered_at: seconds(T0 + 5), read_at: seconds(T0 + 60) });
      expect(await events(r.messageId!)).toEqual(['delivered', 'read', 'sent']);
      await expectCountersTrue();
    });

    it('applies On-Premise statuses the same way', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sent' });
      await postAndApply(onPremiseStatuses([{ id: r.messageId!, status: 'delivered', timestamp: T0 + 1 }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'delivered', delivered_at: seconds(T0 + 1) });
      await postAndApply(onPremiseStatuses([{ id: r.messageId!, status: 'read', timestamp: T0 + 2 }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'read', read_at: seconds(T0 + 2) });
      await expectCountersTrue();
    });

    it('applies every status of a body with several entries, changes and statuses', async () => {
      const [a, b, c] = [
        await insertRecipient(db(), campaignId, channel.id),
        await insertRecipient(db(), campaignId, channel.id),
        await insertRecipient(db(), campaignId, channel.id),
      ];
      const body = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'WABA',
            changes: [
              { field: 'messages', value: { statuses: [{ id: a.messageId, status: 'delivered', timestamp: String(T0 + 1) }, { id: b.messageId, status: 'delivered', timestamp: String(T0 + 2) }] } },
              { field: 'messages', value: { statuses: [{ id: c.messageId, status: 'failed', timestamp: String(T0 + 3), errors: [{ code: 131026, title: 'Message undeliverable' }] }] } },
            ],
          },
          { id: 'WABA', changes: [{ field: 'messages', value: { statuses: [{ id: a.messageId, status: 'read', timestamp: String(T0 + 4) }] } }] },
        ],
      };
      await postAndApply(body);
      expect((await recipient(db(), a.id)).status).toBe('read');
      expect((await recipient(db(), b.id)).status).toBe('delivered');
      expect(await recipient(db(), c.id)).toMatchObject({ status: 'failed', error_code: 131026, error_title: 'Message undeliverable', failed_at: seconds(T0 + 3) });
      await expectCountersTrue();
    });

    it('treats duplicates as no-ops: one history row, counters moved once', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id);
      const body = cloudStatuses([{ id: r.messageId!, status: 'delivered', timestamp: T0 + 10 }]);
      const before = await countersAndTruth(db(), campaignId);
      // the same status three times in separate requests, and twice inside one body
      await Promise.all([post(body), post(body), post(body)]);
      await postAndApply(cloudStatuses([
        { id: r.messageId!, status: 'delivered', timestamp: T0 + 10 },
        { id: r.messageId!, status: 'delivered', timestamp: T0 + 10 },
      ]));
      await drained(db(), channel.id);
      expect(await events(r.messageId!)).toEqual(['delivered']);
      const after = await countersAndTruth(db(), campaignId);
      expect(after.counters['reached:delivered']).toBe((before.counters['reached:delivered'] ?? 0) + 1);
      expect(after.counters).toEqual(after.truth);
    });

    const orders: Array<[string, string, string[]]> = [
      ['sent, delivered, read', 'read', ['sent', 'delivered', 'read']],
      ['sent, read, delivered', 'read', ['sent', 'read', 'delivered']],
      ['delivered, sent, read', 'read', ['delivered', 'sent', 'read']],
      ['delivered, read, sent', 'read', ['delivered', 'read', 'sent']],
      ['read, sent, delivered', 'read', ['read', 'sent', 'delivered']],
      ['read, delivered, sent', 'read', ['read', 'delivered', 'sent']],
      ['failed, delivered (a later delivered wins over failed)', 'delivered', ['failed', 'delivered']],
      ['delivered, failed (failed does not win over delivered)', 'delivered', ['delivered', 'failed']],
      ['read, failed', 'read', ['read', 'failed']],
      ['sent, failed (failed wins over sent)', 'failed', ['sent', 'failed']],
      ['failed, sent', 'failed', ['failed', 'sent']],
      ['failed, read', 'read', ['failed', 'read']],
    ];

    it.each(orders)('arriving in the order %s ends %s', async (_name, expected, sequence) => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', sentAt: null, leaseUntil: new Date(Date.now() + 60_000) });
      const timestampOf = { sent: T0, delivered: T0 + 10, read: T0 + 20, failed: T0 + 30 } as Record<string, number>;
      for (const status of sequence) {
        const errors = status === 'failed' ? [{ code: 131026, title: 'Message undeliverable' }] : undefined;
        await postAndApply(cloudStatuses([{ id: r.messageId!, status, timestamp: timestampOf[status], errors }]));
      }
      const row = await recipient(db(), r.id);
      expect(row.status).toBe(expected);
      expect(row.lease_until).toBeNull();
      const seen = new Set(sequence);
      // read implies delivered implies sent; each milestone keeps its true (earliest) time
      if (seen.has('read')) expect(row.read_at).toEqual(seconds(timestampOf.read));
      if (seen.has('delivered')) expect(row.delivered_at).toEqual(seconds(timestampOf.delivered));
      else if (seen.has('read')) expect(row.delivered_at).toEqual(seconds(timestampOf.read));
      if (seen.has('sent')) expect(row.sent_at).toEqual(seconds(timestampOf.sent));
      if (expected === 'failed') expect(row).toMatchObject({ error_code: 131026, error_title: 'Message undeliverable', failed_at: seconds(timestampOf.failed) });
      expect(await events(r.messageId!)).toEqual([...seen].sort());
      await expectCountersTrue();
    });

    it.each<[string, string[]]>([
      ['failed, delivered', ['failed', 'delivered']],
      ['failed, read', ['failed', 'read']],
      ['failed, delivered in one body', ['failed+delivered']],
      ['delivered, failed', ['delivered', 'failed']],
    ])('keeps no failure on a recipient that ends delivered or read (%s): the row does not depend on the order', async (_name, sequence) => {
      const r = await insertRecipient(db(), campaignId, channel.id);
      const failed = { id: r.messageId!, status: 'failed', timestamp: T0 + 5, errors: [{ code: 131026, title: 'Message undeliverable' }] };
      const later = (status: string) => ({ id: r.messageId!, status, timestamp: T0 + 9 });
      for (const step of sequence) {
        if (step === 'failed+delivered') await postAndApply(cloudStatuses([failed, later('delivered')]));
        else await postAndApply(cloudStatuses([step === 'failed' ? failed : later(step)]));
      }
      const row = await recipient(db(), r.id);
      expect(['delivered', 'read']).toContain(row.status);
      expect(row).toMatchObject({ error_code: null, error_title: null, failed_at: null });
      // the failure stays in the history
      const [history] = await db().query(`SELECT error_code FROM message_events WHERE message_id = $1 AND status = 'failed'`, [r.messageId]);
      expect(history).toEqual({ error_code: 131026 });
      // and neither the error filter nor the CSV lists this recipient as errored
      const listed = (await (await fetch(`${engine.url}/v1/campaigns/${campaignId}/recipients?errorCode=131026&limit=1000`, { headers: engine.auth })).json()) as {
        items: Array<{ id: string }>;
      };
      expect(listed.items.map((item) => item.id)).not.toContain(r.id);
      const csv = await (await fetch(`${engine.url}/v1/campaigns/${campaignId}/report.csv`, { headers: engine.auth })).text();
      const line = csv.split('\n').find((text) => text.includes(r.messageId!));
      expect(line).toBeDefined();
      expect(line).not.toContain('131026');
      await expectCountersTrue();
    });

    it('clears the send error of a recipient waiting to retry when a webhook proves it went out', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'pending', messageId: null, sentAt: null });
      await db().query(
        `UPDATE campaign_recipients SET waiting_reason = 'retry', error_code = 131000, error_title = 'Something went wrong' WHERE id = $1`,
        [r.id],
      );
      await postAndApply(cloudStatuses([{ id: `wamid.retry.${r.id}`, status: 'sent', timestamp: T0 + 4, callback: `r:${r.id}` }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'sent', error_code: null, error_title: null, failed_at: null });
      await expectCountersTrue();
    });

    it('migration ClearStaleRecipientErrors clears the failure left on recipients that are not failed', async () => {
      const stale = await insertRecipient(db(), campaignId, channel.id, { status: 'sent' });
      const failed = await insertRecipient(db(), campaignId, channel.id, { status: 'sent' });
      await db().query(
        `UPDATE campaign_recipients SET status = 'delivered', delivered_at = now(), failed_at = now(), error_code = 131026, error_title = 'Message undeliverable' WHERE id = $1`,
        [stale.id],
      );
      await db().query(`UPDATE campaign_recipients SET status = 'failed', failed_at = now(), error_code = 131026, error_title = 'Message undeliverable' WHERE id = $1`, [
        failed.id,
      ]);
      const runner = db().createQueryRunner();
      try {
        await new ClearStaleRecipientErrors1795736307535().up(runner);
      } finally {
        await runner.release();
      }
      expect(await recipient(db(), stale.id)).toMatchObject({ status: 'delivered', error_code: null, error_title: null, failed_at: null });
      expect(await recipient(db(), failed.id)).toMatchObject({ status: 'failed', error_code: 131026, error_title: 'Message undeliverable' });
      await expectCountersTrue();
    });

    it('reads in one batch the same as one by one (all statuses of a message in one body)', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id);
      await postAndApply(
        cloudStatuses([
          { id: r.messageId!, status: 'read', timestamp: T0 + 20 },
          { id: r.messageId!, status: 'failed', timestamp: T0 + 30, errors: [{ code: 1, title: 'x' }] },
          { id: r.messageId!, status: 'delivered', timestamp: T0 + 10 },
        ]),
      );
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'read', delivered_at: seconds(T0 + 10), read_at: seconds(T0 + 20), failed_at: null });
      await expectCountersTrue();
    });

    it('keeps the error code and title of a failed message and counts it by error', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id);
      await postAndApply(onPremiseStatuses([{ id: r.messageId!, status: 'failed', timestamp: T0 + 7, errors: [{ code: 1026, title: 'Receiver Incapable' }] }]));
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'failed', error_code: 1026, error_title: 'Receiver Incapable', failed_at: seconds(T0 + 7) });
      const { counters } = await countersAndTruth(db(), campaignId);
      expect(counters['error:1026:Receiver Incapable']).toBe(1);
      const [history] = await db().query(`SELECT error_code, error_title, recipient_id::text AS recipient_id FROM message_events WHERE message_id = $1`, [r.messageId]);
      expect(history).toEqual({ error_code: 1026, error_title: 'Receiver Incapable', recipient_id: r.id });
      await expectCountersTrue();
    });

    it('matches by callback data when the message id was never stored, and stores it (sending, unknown, pending)', async () => {
      for (const [status, incoming, expected] of [
        ['sending', 'delivered', 'delivered'],
        ['unknown', 'sent', 'sent'],
        ['pending', 'read', 'read'],
      ] as const) {
        const r = await insertRecipient(db(), campaignId, channel.id, { status, messageId: null, sentAt: null, leaseUntil: status === 'sending' ? new Date(Date.now() + 60_000) : null });
        const messageId = `wamid.cb.${r.id}`;
        await postAndApply(cloudStatuses([{ id: messageId, status: incoming, timestamp: T0 + 3, callback: `r:${r.id}` }]));
        const row = await recipient(db(), r.id);
        expect(row).toMatchObject({ status: expected, message_id: messageId, sent_at: seconds(T0 + 3), lease_until: null });
      }
      await expectCountersTrue();
    });

    it('learns the message id from callback data for the other statuses of the same body', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', messageId: null, sentAt: null });
      const messageId = `wamid.learn.${r.id}`;
      await postAndApply(
        cloudStatuses([
          { id: messageId, status: 'read', timestamp: T0 + 9 }, // no callback data on this one
          { id: messageId, status: 'sent', timestamp: T0 + 1, callback: `r:${r.id}` },
        ]),
      );
      expect(await recipient(db(), r.id)).toMatchObject({ status: 'read', message_id: messageId });
      expect(await events(messageId)).toEqual(['read', 'sent']);
    });

    it('does not match callback data naming another channel\'s recipient, nor one with a different message id', async () => {
      const other = await insertChannel(db());
      const otherCampaign = await insertCampaign(db(), other.id);
      const foreign = await insertRecipient(db(), otherCampaign, other.id, { status: 'sending', messageId: null });
      const mine = await insertRecipient(db(), campaignId, channel.id, { status: 'sent', messageId: 'wamid.mine.stored' });
      await post(cloudStatuses([{ id: 'wamid.foreign.1', status: 'delivered', timestamp: T0, callback: `r:${foreign.id}` }]));
      await post(cloudStatuses([{ id: 'wamid.mine.other', status: 'delivered', timestamp: T0, callback: `r:${mine.id}` }]));
      await drained(db(), channel.id);
      expect((await recipient(db(), foreign.id)).status).toBe('sending');
      expect(await recipient(db(), mine.id)).toMatchObject({ status: 'sent', message_id: 'wamid.mine.stored' });
    });

    it('keeps a status for an unknown message id in the inbox and applies it once the send response is stored', async () => {
      const r = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', messageId: null, sentAt: null });
      const messageId = `wamid.late.${r.id}`;
      expect((await post(onPremiseStatuses([{ id: messageId, status: 'delivered', timestamp: T0 + 2 }]))).status).toBe(200);
      const waiting = await waitFor(
        async () => (await db().query(`SELECT id, state, attempts, last_error FROM webhook_inbox WHERE body LIKE $1`, [`%${messageId}%`]))[0],
        (row) => row?.attempts >= 1,
      );
      expect(waiting.state).toBe('pending');
      expect(waiting.last_error).toContain(messageId);
      expect((await recipient(db(), r.id)).status).toBe('sending');
      // the sender stores the send response late
      await db().query(`UPDATE campaign_recipients SET status = 'sent', message_id = $2, sent_at = $3 WHERE id = $1`, [r.id, messageId, seconds(T0)]);
      await waitFor(() => recipient(db(), r.id), (row) => row.status === 'delivered');
      const [done] = await db().query(`SELECT state FROM webhook_inbox WHERE id = $1`, [waiting.id]);
      expect(done.state).toBe('processed');
      await expectCountersTrue();
    });

    it('parks a status whose message stays unknown past the retry window, with the reason', async () => {
      const messageId = `wamid.never.${randomUUID()}`;
      expect((await post(cloudStatuses([{ id: messageId, status: 'read', timestamp: T0 }]))).status).toBe(200);
      const parked = await waitFor(
        async () => (await db().query(`SELECT state, attempts, last_error FROM webhook_inbox WHERE body LIKE $1`, [`%${messageId}%`]))[0],
        (row) => row?.state === 'parked',
        15_000,
      );
      expect(parked.attempts).toBeGreaterThan(1);
      expect(parked.last_error).toMatch(/^parked: no campaign recipient of this channel has message id/);
      expect(parked.last_error).toContain(messageId);
    }, 30_000);

    it('applies the known statuses of a mixed body at once and keeps only the unknown remainder retrying', async () => {
      const known = await insertRecipient(db(), campaignId, channel.id);
      const late = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', messageId: null, sentAt: null });
      const lateId = `wamid.split.${late.id}`;
      await post(
        cloudStatuses([
          { id: known.messageId!, status: 'delivered', timestamp: T0 + 1 },
          { id: lateId, status: 'delivered', timestamp: T0 + 2 },
        ]),
      );
      await waitFor(() => recipient(db(), known.id), (row) => row.status === 'delivered');
      const remainder = await waitFor(
        async () => (await db().query(`SELECT id, state, body, last_error FROM webhook_inbox WHERE last_error LIKE '%split from%' AND body LIKE $1`, [`%${lateId}%`]))[0],
        (row) => row !== undefined,
      );
      expect(remainder.state).toBe('pending');
      expect(remainder.body).not.toContain(known.messageId);
      await db().query(`UPDATE campaign_recipients SET status = 'sent', message_id = $2 WHERE id = $1`, [late.id, lateId]);
      await waitFor(() => recipient(db(), late.id), (row) => row.status === 'delivered');
      expect(await events(known.messageId!)).toEqual(['delivered']);
      await expectCountersTrue();
    });
  });

  describe('inbound messages', () => {
    async function contact(waId: string) {
      const [row] = await db().query(`SELECT id::text AS id, phone, opted_out_at, opt_out_reason, last_inbound_at FROM contacts WHERE wa_id = $1`, [waId]);
      return row;
    }
    async function consent(contactId: string) {
      return db().query(`SELECT kind, source, proof, occurred_at FROM consent_events WHERE contact_id = $1 ORDER BY id`, [contactId]);
    }

    it.each([
      ['STOP', 'cloud'],
      ['stopp', 'onpremise'],
      ['Alto', 'cloud'],
      ['ARRÊT', 'onpremise'],
      ['unsubscribe', 'cloud'],
      ['  Stop!  ', 'cloud'],
    ])('%p (%s) opts the contact out at once with the message as proof', async (text, generation) => {
      const c = await insertContact(db());
      const messageId = `wamid.stop.${randomUUID()}`;
      await postAndApply(generation === 'cloud' ? cloudInbound(c.waId, text, messageId, T0 + 100) : onPremiseInbound(c.waId, text, messageId, T0 + 100));
      const row = await contact(c.waId);
      expect(row.opted_out_at).toEqual(seconds(T0 + 100));
      expect(row.opt_out_reason).toMatch(/^inbound keyword/);
      expect(row.last_inbound_at).toEqual(seconds(T0 + 100));
      const history = await consent(c.id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ kind: 'opt_out', source: 'inbound_keyword', occurred_at: seconds(T0 + 100) });
      expect(JSON.parse(history[0].proof)).toMatchObject({ messageId, text, from: c.waId, channelId: channel.id });
    });

    it('does not opt out for other messages, but opens the service window', async () => {
      const c = await insertContact(db());
      for (const text of ['Hello, when does the sale end?', 'stop sending at night please', 'Stopwatch']) {
        await postAndApply(cloudInbound(c.waId, text, undefined, T0 + 200));
      }
      const row = await contact(c.waId);
      expect(row.opted_out_at).toBeNull();
      expect(row.last_inbound_at).toEqual(seconds(T0 + 200));
      expect(await consent(c.id)).toHaveLength(0);
    });

    it('records an unknown number that sends STOP as an opted-out contact', async () => {
      const waId = nextWaId();
      await postAndApply(cloudInbound(waId, 'Stop', undefined, T0 + 300));
      const row = await contact(waId);
      expect(row).toMatchObject({ phone: `+${waId}`, opted_out_at: seconds(T0 + 300), last_inbound_at: seconds(T0 + 300) });
      expect(row.opt_out_reason).toMatch(/opted-out-unknown/);
      expect(await consent(row.id)).toHaveLength(1);
    });

    it('does not create contacts for unknown numbers writing anything else', async () => {
      const waId = nextWaId();
      await postAndApply(onPremiseInbound(waId, 'Hi there'));
      expect(await contact(waId)).toBeUndefined();
    });

    it('records one opt-out for a repeated STOP (same message twice, or a second STOP)', async () => {
      const c = await insertContact(db());
      const body = cloudInbound(c.waId, 'STOP', `wamid.dup.${randomUUID()}`, T0 + 400);
      await Promise.all([post(body), post(body)]);
      await drained(db(), channel.id);
      await postAndApply(cloudInbound(c.waId, 'stop', undefined, T0 + 500));
      const row = await contact(c.waId);
      expect(row.opted_out_at).toEqual(seconds(T0 + 400));
      expect(await consent(c.id)).toHaveLength(1);
    });
  });

  describe('operations', () => {
    it('exposes the inbox backlog, the oldest pending age and the events applied in /metrics', async () => {
      const text = await (await fetch(`${engine.url}/metrics`)).text();
      expect(text).toMatch(/^wa_webhook_inbox_backlog \d+/m);
      expect(text).toMatch(/^wa_webhook_inbox_oldest_pending_age_seconds [\d.e+-]+/m);
      expect(text).toMatch(/^wa_webhook_inbox_retrying \d+/m);
      expect(text).toMatch(/^wa_webhook_inbox_parked \d+/m);
      expect(text).toMatch(/^wa_webhook_events_total\{kind="status",status="delivered"\} \d+/m);
      expect(text).toMatch(/^wa_webhook_events_total\{kind="message",status="opt_out"\} \d+/m);
    });

    it('lists the webhook route in the OpenAPI document', async () => {
      const docs = (await (await fetch(`${engine.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(docs.paths['/webhooks/360dialog/{channelId}'].post).toBeDefined();
    });
  });
});
