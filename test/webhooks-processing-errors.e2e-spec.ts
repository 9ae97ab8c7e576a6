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
  recipient,
  waitFor,
} from './webhooks-fixtures.js';
import { InboxRepository } from '../src/webhooks/inbox.repository.js';
import { InboxUnavailableError, WebhookInboxWriter } from '../src/webhooks/webhook-inbox.writer.js';

const T0 = 1_767_000_000;

/**
 * Processing errors end to end: bodies go through the real receiver (ROLE=api: stored, not applied),
 * then a worker (ROLE=worker, same database) claims them all in one batch. Faults are injected by a
 * trigger on message_events that raises a chosen SQLSTATE for a chosen message id, as the database
 * would for a row it refuses (data error) or at a bad moment (deadlock, …).
 */
describe('webhooks: processing errors, parked items and inbox metrics', () => {
  let api: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;

  beforeAll(async () => {
    api = await createTestApp({ env: { ROLE: 'api' } });
    channel = await insertChannel(api.dataSource);
    campaignId = await insertCampaign(api.dataSource, channel.id);
    await api.dataSource.query(`CREATE TABLE test_faults (message_id text PRIMARY KEY, sqlstate text NOT NULL)`);
    await api.dataSource.query(`
      CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v_state text;
      BEGIN
        SELECT sqlstate INTO v_state FROM test_faults WHERE message_id = NEW.message_id;
        IF v_state IS NOT NULL THEN RAISE EXCEPTION 'injected fault % for %', v_state, NEW.message_id USING ERRCODE = v_state; END IF;
        RETURN NEW;
      END $$`);
    await api.dataSource.query(`CREATE TRIGGER test_fault BEFORE INSERT ON message_events FOR EACH ROW EXECUTE FUNCTION test_fault()`);
  });
  afterAll(() => api.close());

  const db = () => api.dataSource;

  const post = (body: unknown) => postWebhook(api.url, channel, JSON.stringify(body));

  async function inboxRow(messageId: string) {
    const [row] = await db().query(`SELECT id::text AS id, state, attempts, last_error, next_attempt_at FROM webhook_inbox WHERE body LIKE $1`, [
      `%${messageId}%`,
    ]);
    return row as { id: string; state: string; attempts: number; last_error: string | null; next_attempt_at: Date };
  }

  async function withWorker<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const worker = await createTestApp({ databaseUrl: api.databaseUrl, env: { ROLE: 'worker', ...env } });
    try {
      return await work();
    } finally {
      await worker.close();
    }
  }

  /** `good` recipients and one `poison` one, each with one `delivered` body stored through the receiver. */
  async function storeDeliveries(good: number): Promise<{ good: RecipientFixture[]; poison: RecipientFixture }> {
    const recipients: RecipientFixture[] = [];
    for (let index = 0; index < good + 1; index++) recipients.push(await insertRecipient(db(), campaignId, channel.id));
    const poison = recipients[Math.floor(good / 2)];
    const statuses = await Promise.all(recipients.map((r) => post(cloudStatuses([{ id: r.messageId!, status: 'delivered', timestamp: T0 + 1 }]))));
    expect(statuses.every((status) => status === 200)).toBe(true);
    return { good: recipients.filter((r) => r !== poison), poison };
  }

  async function allDelivered(recipients: RecipientFixture[]): Promise<void> {
    await waitFor(
      async () =>
        (await db().query(`SELECT count(*)::int AS n FROM campaign_recipients WHERE id = ANY($1::bigint[]) AND status = 'delivered'`, [
          recipients.map((r) => r.id),
        ]))[0].n,
      (n: number) => n === recipients.length,
      15_000,
    );
  }

  it('a body the database refuses does not block the rest of its batch, costs attempts, and is applied once fixed', async () => {
    const { good, poison } = await storeDeliveries(20);
    await db().query(`INSERT INTO test_faults VALUES ($1, '22023')`, [poison.messageId]); // a data error of this item
    await withWorker({ WEBHOOK_PROCESSOR_BATCH_SIZE: '1000' }, async () => {
      await allDelivered(good);
      const failed = await waitFor(() => inboxRow(poison.messageId!), (row) => row.attempts >= 1);
      expect(failed.state).toBe('pending');
      expect(failed.last_error).toMatch(/^processing failed: injected fault 22023/);
      expect((await recipient(db(), poison.id)).status).toBe('sent');

      await db().query(`DELETE FROM test_faults`);
      await waitFor(() => recipient(db(), poison.id), (row) => row.status === 'delivered', 15_000);
      expect((await inboxRow(poison.messageId!)).state).toBe('processed');
    });
    const { counters, truth } = await countersAndTruth(db(), campaignId);
    expect(counters).toEqual(truth);
  }, 40_000);

  it.each([
    ['a deadlock', '40P01', /^transient error \(no attempt counted\)/],
    ['a serialization failure', '40001', /^transient error \(no attempt counted\)/],
    ['a lock timeout', '55P03', /^transient error \(no attempt counted\)/],
    ['a system error (undefined table)', '42P01', /^system error \(no attempt counted\)/],
  ])('%s never consumes an attempt: the rest of the batch is applied, the item is retried until it passes', async (_name, sqlstate, reason) => {
    const { good, poison } = await storeDeliveries(10);
    await db().query(`INSERT INTO test_faults VALUES ($1, $2)`, [poison.messageId, sqlstate]);
    await withWorker({ WEBHOOK_PROCESSOR_BATCH_SIZE: '1000' }, async () => {
      await allDelivered(good);
      const held = await waitFor(() => inboxRow(poison.messageId!), (row) => row.last_error !== null);
      expect(held).toMatchObject({ state: 'pending', attempts: 0 });
      expect(held.last_error).toMatch(reason);
      expect(held.next_attempt_at.getTime()).toBeGreaterThan(Date.now() - 500);

      await db().query(`DELETE FROM test_faults`);
      await waitFor(() => recipient(db(), poison.id), (row) => row.status === 'delivered', 15_000);
    });
    const row = await inboxRow(poison.messageId!);
    expect(row).toMatchObject({ state: 'processed', attempts: 1 });
  }, 40_000);

  it('reports due items as backlog and their lag; items held back for a retry and parked ones apart', async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);
    };
    await db().query(`DELETE FROM webhook_inbox`);
    expect(await metric('wa_webhook_inbox_backlog')).toBe(0);
    expect(await metric('wa_webhook_inbox_oldest_pending_age_seconds')).toBe(0);

    // a status for a message not known yet, received 30 minutes ago, deliberately held back for an hour
    await db().query(
      `INSERT INTO webhook_inbox (channel_id, body, state, received_at, next_attempt_at, attempts, last_error)
       VALUES ($1, '{"statuses":[]}', 'pending', now() - interval '30 minutes', now() + interval '1 hour', 40, 'unknown message id x')`,
      [channel.id],
    );
    // two given up on
    await db().query(
      `INSERT INTO webhook_inbox (channel_id, body, state, received_at, processed_at, attempts, last_error)
       SELECT $1, '{"statuses":[]}', 'parked', now() - interval '2 hours', now() - interval '1 hour', 61, 'parked: no campaign recipient' FROM generate_series(1, 2)`,
      [channel.id],
    );
    expect(await metric('wa_webhook_inbox_backlog')).toBe(0);
    expect(await metric('wa_webhook_inbox_oldest_pending_age_seconds')).toBe(0);
    expect(await metric('wa_webhook_inbox_retrying')).toBe(1);
    expect(await metric('wa_webhook_inbox_parked')).toBe(2);

    // one due for 90 s that no processor took (ROLE=api here): that is what shows a stuck processor
    await db().query(
      `INSERT INTO webhook_inbox (channel_id, body, state, received_at, next_attempt_at) VALUES ($1, '{"statuses":[]}', 'pending', now() - interval '95 seconds', now() - interval '90 seconds')`,
      [channel.id],
    );
    expect(await metric('wa_webhook_inbox_backlog')).toBe(1);
    const age = await metric('wa_webhook_inbox_oldest_pending_age_seconds');
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
    await db().query(`DELETE FROM webhook_inbox`);
  });

  describe('parked items, for an operator', () => {
    const get = (path: string, headers: Record<string, string> = api.auth) => fetch(`${api.url}${path}`, { headers });
    const requeue = (body: unknown, headers: Record<string, string> = api.auth) =>
      fetch(`${api.url}/v1/webhooks/inbox/requeue`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('lists parked items and re-drives them once the cause is gone', async () => {
      const late = await insertRecipient(db(), campaignId, channel.id, { status: 'sending', messageId: null, sentAt: null });
      const messageId = `wamid.parked.${late.id}`;
      expect(await post(cloudStatuses([{ id: messageId, status: 'read', timestamp: T0 + 3 }]))).toBe(200);
      const other = `wamid.parked.other.${late.id}`;
      expect(await post(cloudStatuses([{ id: other, status: 'read', timestamp: T0 + 3 }]))).toBe(200);

      await withWorker({ WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS: '1' }, async () => {
        const parked = await waitFor(() => inboxRow(messageId), (row) => row.state === 'parked', 10_000);
        await waitFor(() => inboxRow(other), (row) => row.state === 'parked', 10_000);

        const listing = (await (await get('/v1/webhooks/inbox/parked?limit=500')).json()) as { items: Array<Record<string, string>> };
        const item = listing.items.find((entry) => entry.id === parked.id)!;
        expect(item).toMatchObject({ channelId: channel.id, lastError: expect.stringMatching(/^parked: no campaign recipient/) });
        expect(item.parkedAt).toEqual(expect.any(String));

        // the send answer was stored after all (too late for the retry window); the operator re-drives that one
        await db().query(`UPDATE campaign_recipients SET status = 'sent', message_id = $2, sent_at = now() WHERE id = $1`, [late.id, messageId]);
        const response = await requeue({ ids: [parked.id], reason: 'unknown_message' });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ requeued: 1, more: false });
        await waitFor(() => recipient(db(), late.id), (row) => row.status === 'read', 10_000);
        expect((await inboxRow(messageId)).state).toBe('processed');
        expect((await inboxRow(other)).state).toBe('parked'); // not named: untouched

        // requeued without a fix: one more attempt, then parked again
        expect(await (await requeue({ channelId: channel.id })).json()).toMatchObject({ requeued: 1 });
        await waitFor(() => inboxRow(other), (row) => row.state === 'parked' && !row.last_error?.startsWith('requeued'), 10_000);
      });
      expect(await (await requeue({ reason: 'processing_error' })).json()).toEqual({ requeued: 0, more: false });
    }, 40_000);

    it.each([
      [{ ids: ['abc'] }],
      [{ ids: ['99999999999999999999'] }],
      [{ ids: ['9223372036854775808'] }],
      [{ channelId: 'not-a-uuid' }],
      [{ reason: 'everything' }],
      [{ limit: 0 }],
      [{ unknownField: true }],
    ])('answers 400 to %j', async (body) => {
      expect((await requeue(body)).status).toBe(400);
    });

    it('needs the API token', async () => {
      expect((await requeue({}, {})).status).toBe(401);
      expect((await get('/v1/webhooks/inbox/parked', {})).status).toBe(401);
      expect((await get('/v1/webhooks/inbox/parked?cursor=x')).status).toBe(400);
    });

    it('is in the OpenAPI document', async () => {
      const docs = (await (await fetch(`${api.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(docs.paths['/v1/webhooks/inbox/requeue'].post).toBeDefined();
      expect(docs.paths['/v1/webhooks/inbox/parked'].get).toBeDefined();
    });
  });

  describe('the receiver\'s group commit', () => {
    it('narrows a row the database refuses down without a burst of single inserts: the others are stored', async () => {
      const writer = api.app.get(WebhookInboxWriter);
      // Counted where the group commit reaches the database: one InboxRepository.insert is one COPY.
      const inbox = api.app.get(InboxRepository);
      const original = inbox.insert.bind(inbox);
      let inFlight = 0;
      let maxInFlight = 0;
      let inserts = 0;
      inbox.insert = async (rows) => {
        inserts++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await original(rows);
        } finally {
          inFlight--;
        }
      };
      try {
        const marker = `group-commit-${Date.now()}`;
        const rows = Array.from({ length: 300 }, (_, index) => ({
          channelId: index === 123 ? 'not-a-uuid' : channel.id, // the database refuses this one (22P02)
          body: JSON.stringify({ statuses: [], marker, index }),
          state: 'pending' as const,
          lastError: null,
        }));
        const results = await Promise.allSettled(rows.map((row) => writer.store(row)));
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(299);
        const [refused] = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(refused.reason).toBeInstanceOf(InboxUnavailableError);
        const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE body LIKE $1`, [`%${marker}%`]);
        expect(n).toBe(299);
        expect(maxInFlight).toBeLessThanOrEqual(4); // MAX_IN_FLIGHT: the fallback stays inside the bound
        expect(inserts).toBeGreaterThan(1); // the refused batch was narrowed down
        expect(inserts).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(300)));
      } finally {
        inbox.insert = original;
      }
    });
  });
});
