import { jest } from '@jest/globals';
import request from 'supertest';
import { ChannelsService } from '../src/channels/channels.service.js';
import { WhatsAppClient } from '../src/whatsapp/whatsapp-client.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { CampaignsRepository } from '../src/campaigns/campaigns.repository.js';
import { RecipientsRepository } from '../src/campaigns/recipients.repository.js';
import { nextWindowOpening } from '../src/campaigns/send-window.js';
import { CONFIRM_BEFORE_SEND, RECOVER_EXPIRED_LEASES } from '../src/campaigns/recipient-sends.queries.js';
import { SenderService } from '../src/sender/sender.service.js';
import { createTestApp, type TestApp } from './app.js';
import { closedSendWindow, createChannel, recipientStatuses, seedList, waitFor } from './fixtures.js';

const NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';
const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49151${String(base + i).padStart(8, '0')}`);
const waId = (phone: string) => phone.slice(1);

describe('sender against the sandbox', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let keySequence = 0;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp({ env: { UNKNOWN_OUTCOME_GRACE_SECONDS: '2', SEND_TIMEOUT_MS: '1500', SEND_LEASE_SECONDS: '5' } });
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  /** A fresh channel (own API key at the sandbox, webhook registered through the engine) and list. */
  async function setup(generation: 'cloud' | 'onpremise', contacts: string[], channelOptions: Record<string, unknown> = {}) {
    keySequence += 1;
    const apiKey = `${generation}-key-${keySequence}`;
    sandbox.addKey(apiKey, generation === 'cloud' ? 'cloud' : { generation: 'onpremise', templateNamespace: NAMESPACE });
    const channel = await createChannel(engine, {
      name: `${generation} ${keySequence}`,
      phoneNumber: '+4930123456',
      apiKey,
      apiGeneration: generation,
      baseUrl: sandbox.url,
      templateNamespace: generation === 'onpremise' ? NAMESPACE : undefined,
      messagesPerSecond: 200,
      ...channelOptions,
    });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    const { listId } = await seedList(engine.dataSource, `list ${keySequence}`, contacts.map((phone, i) => ({ phone, firstName: `Name${i}` })));
    return { apiKey, channelId: channel.id, listId };
  }

  async function launch(channelId: string, listId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Test', channelId, listId, template, scheduledAt: new Date().toISOString(), ...extra })
      .expect(201);
    return response.body.id as string;
  }

  const campaignStatus = async (id: string) => (await request(engine.url).get(`/v1/campaigns/${id}`).set(engine.auth)).body as { status: string; pausedReason: string | null };

  it.each(['cloud', 'onpremise'] as const)('%s: every recipient gets exactly one message, and statuses come back', async (generation) => {
    const numbers = phones(30, generation === 'cloud' ? 1000 : 2000);
    const { channelId, listId } = await setup(generation, numbers);
    const campaignId = await launch(channelId, listId);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
    await waitFor('all read', async () => (await recipientStatuses(engine.dataSource, campaignId)).read === 30);
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
    const [message] = sandbox.recentMessages({ to: waId(numbers[0]) });
    expect(message.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'Name0' }] }]);
    if (generation === 'cloud') expect(message.callbackData).toMatch(/^r:\d+$/);
    else expect(message.namespace).toBe(NAMESPACE);
  });

  it('fails permanent errors with code and title, retries transient ones, never counts throttling', async () => {
    const numbers = phones(6, 3000);
    const { apiKey, channelId, listId } = await setup('cloud', numbers);
    sandbox.configure({ failingNumbers: { [waId(numbers[0])]: { code: 131026, title: 'Message undeliverable', when: 'send' } } });
    sandbox.injectFailure({ kind: 'server_error', apiKey, count: 2, to: waId(numbers[1]) });
    sandbox.injectFailure({ kind: 'throttle', apiKey, count: 1, to: waId(numbers[2]) });
    const campaignId = await launch(channelId, listId);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
    const rows = (await engine.dataSource.query(
      'SELECT wa_id, status, error_code, error_title, attempts FROM campaign_recipients WHERE campaign_id = $1 ORDER BY wa_id',
      [campaignId],
    )) as Array<{ wa_id: string; status: string; error_code: number | null; error_title: string | null; attempts: number }>;
    expect(rows[0]).toMatchObject({ status: 'failed', error_code: 131026 });
    expect(rows[0].error_title).toContain('Message undeliverable');
    expect(rows[1].status).not.toBe('failed');
    expect(rows[1].attempts).toBe(3);
    expect(rows[2].status).not.toBe('failed');
    expect(rows[2].attempts).toBe(1);
    for (const phone of numbers.slice(1)) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
    sandbox.configure({ failingNumbers: {} });
  });

  it('retry-failed sends again under a new message id (statuses of the new message are matched)', async () => {
    const numbers = phones(2, 3100);
    const { channelId, listId } = await setup('cloud', numbers);
    // Accepted, then a failed status with a retryable code.
    sandbox.configure({ failingNumbers: { [waId(numbers[0])]: { code: 131000, title: 'Something went wrong', when: 'webhook' } } });
    const campaignId = await launch(channelId, listId);
    const row = async () =>
      ((await engine.dataSource.query('SELECT status, message_id, sent_at FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2', [
        campaignId,
        waId(numbers[0]),
      ])) as Array<{ status: string; message_id: string | null; sent_at: Date | null }>)[0];
    try {
      await waitFor('failed by webhook', async () => (await row()).status === 'failed');
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
    } finally {
      sandbox.configure({ failingNumbers: {} });
    }
    const first = await row();
    const retriedAt = new Date();
    await request(engine.url).post(`/v1/campaigns/${campaignId}/retry-failed`).set(engine.auth).expect(200);
    await waitFor('read after the retry', async () => (await row()).status === 'read');
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(2);
    const latest = sandbox.recentMessages({ to: waId(numbers[0]) }).at(-1)!;
    const retried = await row();
    expect(retried.message_id).toBe(latest.id);
    expect(retried.message_id).not.toBe(first.message_id);
    expect(new Date(retried.sent_at!).getTime()).toBeGreaterThanOrEqual(retriedAt.getTime() - 1000);
  });

  it.each([
    ['a bad API key (401) pauses every campaign of the channel', 'unauthorized', /channel unusable: HTTP 401/],
    ['a paused template (132015) pauses the campaign', 'template_paused', /132015/],
  ] as const)('%s, with a readable reason, and resume carries on', async (_label, kind, reason) => {
    const numbers = phones(5, kind === 'unauthorized' ? 4000 : 4100);
    const { apiKey, channelId, listId } = await setup('cloud', numbers, { messagesPerSecond: 5 });
    sandbox.injectFailure({ kind, apiKey, count: 1 });
    const campaignId = await launch(channelId, listId);
    await waitFor('pause', async () => (await campaignStatus(campaignId)).status === 'paused');
    expect((await campaignStatus(campaignId)).pausedReason).toMatch(reason);
    if (kind === 'unauthorized') {
      // Resuming while the channel is still paused would leave the campaign running without sending.
      const refused = await request(engine.url).post(`/v1/campaigns/${campaignId}/resume`).set(engine.auth).expect(409);
      expect(refused.body.message).toMatch(/channel ".*" \(.*\) is paused: channel unusable: HTTP 401/);
      await request(engine.url).patch(`/v1/channels/${channelId}`).set(engine.auth).send({ pausedReason: null }).expect(200);
    }
    await request(engine.url).post(`/v1/campaigns/${campaignId}/resume`).set(engine.auth).expect(200);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
  });

  it('an API key that no longer decrypts (ENCRYPTION_KEY changed) pauses the channel with the way out, instead of retrying forever', async () => {
    const numbers = phones(5, 4200);
    const { apiKey, channelId, listId } = await setup('cloud', numbers, { messagesPerSecond: 5 });
    await engine.dataSource.query(`UPDATE channels SET api_key_encrypted = 'v1:not-what-this-key-wrote' WHERE id = $1`, [channelId]);
    // The template pre-flight cannot list the templates without the key: it refuses with the way out…
    const refused = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Test', channelId, listId, template, scheduledAt: new Date().toISOString() })
      .expect(409);
    expect(refused.body.message).toMatch(/cannot be decrypted.*PATCH \/v1\/channels\//);
    // …so the sender's handling is reached with the check skipped explicitly.
    const campaignId = await launch(channelId, listId, { skipTemplateCheck: true });
    await waitFor('pause', async () => (await campaignStatus(campaignId)).status === 'paused');
    expect((await campaignStatus(campaignId)).pausedReason).toMatch(/cannot be decrypted.*PATCH \/v1\/channels\//);
    expect(await recipientStatuses(engine.dataSource, campaignId)).toEqual({ pending: 5 });
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(0);

    await request(engine.url).patch(`/v1/channels/${channelId}`).set(engine.auth).send({ apiKey, pausedReason: null }).expect(200);
    await request(engine.url).post(`/v1/campaigns/${campaignId}/resume`).set(engine.auth).expect(200);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
  });

  it('pause stops sending before the next claim; cancel leaves the rest cancelled and unsent', async () => {
    const numbers = phones(60, 5000);
    const { channelId, listId } = await setup('cloud', numbers, { messagesPerSecond: 10 });
    const campaignId = await launch(channelId, listId);
    await waitFor('first sends', async () => numbers.some((phone) => sandbox.acceptedFor(waId(phone)) > 0));
    await request(engine.url).post(`/v1/campaigns/${campaignId}/pause`).set(engine.auth).expect(200);
    const sentAtPause = numbers.filter((phone) => sandbox.acceptedFor(waId(phone)) > 0).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sentAfter = numbers.filter((phone) => sandbox.acceptedFor(waId(phone)) > 0).length;
    // Calls already in flight when the pause answered may still land: at most one limiter slot (1 at 10 mps).
    expect(sentAfter - sentAtPause).toBeLessThanOrEqual(2);
    expect(sentAfter).toBeLessThan(60);

    await request(engine.url).post(`/v1/campaigns/${campaignId}/cancel`).set(engine.auth).expect(200);
    await waitFor('claimed rows released', async () => (await recipientStatuses(engine.dataSource, campaignId)).sending === undefined);
    const counts = await recipientStatuses(engine.dataSource, campaignId);
    expect(counts.pending ?? 0).toBe(0);
    expect(counts.cancelled).toBe(60 - sentAfter);
    expect(numbers.filter((phone) => sandbox.acceptedFor(waId(phone)) > 0).length).toBe(sentAfter);
  });

  it('no send starts once a pause has committed, even from a batch confirmed just before it', async () => {
    const numbers = phones(20, 5100);
    const { channelId, listId } = await setup('cloud', numbers, { messagesPerSecond: 10 });
    const ours = new Set(numbers.map(waId));
    const client = engine.app.get(WhatsAppClient);
    const send = client.send.bind(client);
    const sendStarts: number[] = [];
    const sendSpy = jest.spyOn(client, 'send').mockImplementation((credentials, message) => {
      if (ours.has(message.to)) sendStarts.push(performance.now());
      return send(credentials, message);
    });
    const dataSource = engine.dataSource;
    const query = dataSource.query.bind(dataSource);
    let campaignId = '';
    let armed = false;
    let pausedAt: number | null = null;
    // The moment a batch of this campaign has been confirmed for sending, a pause commits (the
    // statement POST /pause runs; its answer can only come later still).
    const querySpy = jest.spyOn(dataSource, 'query').mockImplementation((async (sql: string, parameters?: unknown[]) => {
      const result = (await query(sql, parameters)) as [unknown[], number];
      if (sql === CONFIRM_BEFORE_SEND && armed && result[0].length > 0) {
        armed = false;
        void query(`UPDATE campaigns SET status = 'paused', paused_reason = 'paused by user' WHERE id = $1`, [campaignId]).then(() => {
          pausedAt = performance.now();
        });
      }
      return result;
    }) as never);
    try {
      campaignId = await launch(channelId, listId);
      await waitFor('first sends', async () => sendStarts.length >= 2);
      armed = true;
      await waitFor('paused', async () => pausedAt !== null);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sendStarts.filter((startedAt) => startedAt > pausedAt!)).toEqual([]);
      expect((await campaignStatus(campaignId)).status).toBe('paused');
    } finally {
      sendSpy.mockRestore();
      querySpy.mockRestore();
    }
    await request(engine.url).post(`/v1/campaigns/${campaignId}/cancel`).set(engine.auth).expect(200);
  });

  it('a send window that excludes now sends nothing', async () => {
    const numbers = phones(3, 6000);
    const { channelId, listId } = await setup('cloud', numbers);
    const closed = closedSendWindow();
    const campaignId = await launch(channelId, listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(campaignId)).status === 'running');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(0);
    expect(await recipientStatuses(engine.dataSource, campaignId)).toEqual({ pending: 3 });
  });

  it('a campaign outside its send window shows its recipients waiting for it, written once, and sends them when it opens', async () => {
    const numbers = phones(3, 6100);
    const { channelId, listId } = await setup('cloud', numbers);
    const closed = closedSendWindow();
    const opensAt = nextWindowOpening(new Date(), closed);
    const recipients = engine.app.get(RecipientsRepository);
    const waits = jest.spyOn(recipients, 'waitForSendWindow');
    let campaignId = '';
    const report = async () =>
      (await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200)).body as {
        waiting: Array<{ reason: string; count: number; nextAttemptAt: string | null }>;
      };
    try {
      campaignId = await launch(channelId, listId, { sendWindow: closed });
      await waitFor('waiting for the window', async () => (await report()).waiting.length > 0);
      expect((await report()).waiting).toEqual([{ reason: 'send_window', count: 3, nextAttemptAt: opensAt.toISOString() }]);
      // Some twenty polls later the rows have not been written again.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(waits.mock.calls.filter(([wait]) => wait.campaignId === campaignId)).toHaveLength(1);
    } finally {
      waits.mockRestore();
    }
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(0);

    // The window opens: a second worker whose clock says so (its own loop is off; this engine's still
    // sees the window closed and leaves the rows alone) sends them.
    const worker = await createTestApp({ databaseUrl: engine.databaseUrl, env: { SENDER_ENABLED: 'false' } });
    try {
      await worker.app.get(SenderService).poll(opensAt);
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
    } finally {
      await worker.close();
    }
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
    expect((await report()).waiting).toEqual([]);
  });

  it('a failed status that arrives before the send answer keeps its error code, so report errors add up to failed', async () => {
    const numbers = phones(2, 7200);
    const { channelId, listId } = await setup('cloud', numbers);
    // The status webhook (via callback data) lands while the send answer is still on its way.
    sandbox.configure({
      responseDelayMs: 800,
      statusDelaysMs: { failed: 0 },
      failingNumbers: { [waId(numbers[0])]: { code: 131026, title: 'Message undeliverable', when: 'webhook' } },
    });
    try {
      const campaignId = await launch(channelId, listId);
      const row = async () =>
        ((await engine.dataSource.query('SELECT status, error_code, sent_at FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2', [
          campaignId,
          waId(numbers[0]),
        ])) as Array<{ status: string; error_code: number | null; sent_at: Date | null }>)[0];
      // sent_at is written by the send answer (the failed status does not imply sent): the answer has been stored.
      await waitFor('send answer stored after the failed status', async () => (await row()).sent_at !== null && (await row()).status === 'failed');
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
      expect(await row()).toMatchObject({ status: 'failed', error_code: 131026 });
      const report = (await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200)).body as {
        counts: { failed: number };
        errors: Array<{ code: number; count: number }>;
      };
      expect(report.counts.failed).toBe(1);
      expect(report.errors).toEqual([expect.objectContaining({ code: 131026, count: 1 })]);
    } finally {
      sandbox.configure({ responseDelayMs: 0, statusDelaysMs: { failed: 30 }, failingNumbers: {} });
    }
  });

  it('Cloud: a lost answer is not resent while the status webhook (callback data) can reveal it went out', async () => {
    // One recipient on its own channel: no message of the channel is sent after it, so the channel's status
    // webhooks never show as flowing past it (unknown-outcome.ts), and it is not resent however late its own
    // status comes (under load: well past the 2 s grace) — short of UNKNOWN_OUTCOME_MAX_WAIT_SECONDS (1 h).
    // Completion needs its status: had it been resent, the sandbox would have accepted it twice by then.
    const numbers = phones(1, 7000);
    const { apiKey, channelId, listId } = await setup('cloud', numbers);
    sandbox.injectFailure({ kind: 'lost_response', apiKey, count: 1, to: waId(numbers[0]) });
    const campaignId = await launch(channelId, listId);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(1);
    const [row] = (await engine.dataSource.query('SELECT status, message_id FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2', [
      campaignId,
      waId(numbers[0]),
    ])) as Array<{ status: string; message_id: string | null }>;
    expect(['sent', 'delivered', 'read']).toContain(row.status);
    expect(row.message_id).toEqual(expect.any(String));
  });

  it('a worker whose lease ran out and whose recipient was claimed again cannot send it any more', async () => {
    const numbers = phones(1, 7300);
    const { channelId, listId } = await setup('cloud', numbers);
    const dataSource = engine.dataSource;
    const query = dataSource.query.bind(dataSource);
    const env = engine.config.env;
    let stalled = false;
    // The first confirm for this recipient stalls (GC pause, slow database…) past its lease: lease
    // recovery hands the row back, the sender claims it again, and only then does the stalled confirm run.
    const spy = jest.spyOn(dataSource, 'query').mockImplementation((async (sql: string, parameters?: unknown[]) => {
      if (sql === CONFIRM_BEFORE_SEND && !stalled) {
        const ids = parameters![0] as string[];
        const [mine] = (await query('SELECT count(*)::int AS n FROM campaign_recipients WHERE id = ANY($1::bigint[]) AND wa_id = $2', [ids, waId(numbers[0])])) as Array<{ n: number }>;
        if (mine.n > 0) {
          stalled = true;
          await query(`UPDATE campaign_recipients SET lease_until = now() - interval '1 second' WHERE id = ANY($1::bigint[])`, [ids]);
          await query(RECOVER_EXPIRED_LEASES, [env.UNKNOWN_OUTCOME_GRACE_SECONDS, env.ONPREMISE_UNKNOWN_OUTCOME_POLICY]);
          await waitFor('claimed again', async () => {
            const [row] = (await query(`SELECT status, lease_until > now() AS leased FROM campaign_recipients WHERE id = ANY($1::bigint[])`, [ids])) as Array<{ status: string; leased: boolean }>;
            return row.status === 'sending' && row.leased;
          });
        }
      }
      return query(sql, parameters);
    }) as never);
    try {
      const campaignId = await launch(channelId, listId);
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stalled).toBe(true);
      expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('an error while handling one answer does not give back the batch: nothing already handed to 360dialog is resent', async () => {
    const numbers = phones(5, 7400);
    const { apiKey, channelId, listId } = await setup('cloud', numbers);
    sandbox.injectFailure({ kind: 'template_paused', apiKey, count: 1, to: waId(numbers[0]) });
    const client = engine.app.get(WhatsAppClient);
    const send = client.send.bind(client);
    // The other answers of the batch are slow to come back: their messages were accepted, the calls still run.
    const sendSpy = jest.spyOn(client, 'send').mockImplementation(async (credentials, message) => {
      const result = await send(credentials, message);
      if (message.to !== waId(numbers[0])) await new Promise((resolve) => setTimeout(resolve, 400));
      return result;
    });
    const campaigns = engine.app.get(CampaignsRepository);
    const pause = campaigns.pauseForSendFailure.bind(campaigns);
    let pauseFailed = false;
    // Pausing the campaign for the refused template fails once (a lost connection, say).
    const pauseSpy = jest.spyOn(campaigns, 'pauseForSendFailure').mockImplementation(async (...args) => {
      if (!pauseFailed) {
        pauseFailed = true;
        throw new Error('simulated: connection lost');
      }
      return pause(...args);
    });
    try {
      const campaignId = await launch(channelId, listId);
      await waitFor('pause attempted', async () => pauseFailed);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const phone of numbers.slice(1)) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
      // The refused one is retried later (the campaign could not be paused) and goes out once.
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
      for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
    } finally {
      sendSpy.mockRestore();
      pauseSpy.mockRestore();
    }
  });

  it('On-Premise: a lost answer is marked unknown and never resent (default policy)', async () => {
    const numbers = phones(2, 7100);
    const { apiKey, channelId, listId } = await setup('onpremise', numbers);
    sandbox.injectFailure({ kind: 'lost_response', apiKey, count: 1, to: waId(numbers[0]) });
    const campaignId = await launch(channelId, listId);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 30_000);
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(1);
    // The sandbox's statuses name the message id the engine never got: they cannot be matched.
    const [row] = (await engine.dataSource.query('SELECT status FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2', [
      campaignId,
      waId(numbers[0]),
    ])) as Array<{ status: string }>;
    expect(row.status).toBe('unknown');
  });

  it('after a crash, a claimed recipient never handed to 360dialog is sent at once; a dispatched one is not resent', async () => {
    const numbers = phones(2, 7500);
    const { channelId, listId } = await setup('onpremise', numbers);
    const closed = closedSendWindow();
    const campaignId = await launch(channelId, listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(campaignId)).status === 'running');
    // What a worker that died leaves behind: both claimed, their leases over; only the second was confirmed for sending.
    await engine.dataSource.query(
      `UPDATE campaign_recipients SET status = 'sending', attempts = 1, claim_id = gen_random_uuid(), lease_until = now() - interval '1 second',
         dispatched_at = CASE WHEN wa_id = $2 THEN now() - interval '6 seconds' END
       WHERE campaign_id = $1`,
      [campaignId, waId(numbers[1])],
    );
    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = $1', [campaignId]);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed', 15_000);
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(1);
    expect(sandbox.acceptedFor(waId(numbers[1]))).toBe(0);
    const rows = (await engine.dataSource.query('SELECT wa_id, status, attempts FROM campaign_recipients WHERE campaign_id = $1 ORDER BY wa_id', [campaignId])) as Array<{
      wa_id: string;
      status: string;
      attempts: number;
    }>;
    expect(rows).toEqual([
      { wa_id: waId(numbers[0]), status: expect.stringMatching(/^(sent|delivered|read)$/), attempts: 1 },
      { wa_id: waId(numbers[1]), status: 'unknown', attempts: 1 },
    ]);
  });

  it('never opens more conversations than the messaging limit, paced over the day; the rest wait visibly', async () => {
    const numbers = phones(5, 8000);
    const { channelId, listId } = await setup('cloud', numbers, { messagingLimit: 3 });
    const started = Date.now();
    const campaignId = await launch(channelId, listId);
    const reached = () => numbers.filter((phone) => sandbox.acceptedFor(waId(phone)) > 0).length;
    // A budget of 3 over 24 h: one conversation now, the next in 8 h — not three at once.
    await waitFor('first sent', async () => reached() === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reached()).toBe(1);
    // Later hours, driven by a worker's injected clock (its own loop off; this engine's still sees now).
    const worker = await createTestApp({ databaseUrl: engine.databaseUrl, env: { SENDER_ENABLED: 'false' } });
    try {
      const poll = (hours: number) => worker.app.get(SenderService).poll(new Date(started + hours * 3_600_000));
      await poll(7.9);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(reached()).toBe(1);
      await poll(8.1);
      await waitFor('second sent', async () => reached() === 2);
      await poll(16.2);
      await waitFor('third sent', async () => reached() === 3);
      await poll(20);
    } finally {
      await worker.close();
    }
    await waitFor('waiting', async () => {
      const rows = (await engine.dataSource.query(
        `SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending' AND waiting_reason = 'messaging_limit' AND next_attempt_at > now() + interval '23 hours'`,
        [campaignId],
      )) as Array<{ n: number }>;
      return rows[0].n === 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reached()).toBe(3);
  });

  it('two campaigns of one limited channel reaching the same people: both send, one conversation each (a claim leaves the second of a wa_id to the next)', async () => {
    const numbers = phones(3, 8100);
    // Paced at about 1.2 conversations a second: the test takes seconds, not a day.
    const { channelId, listId } = await setup('cloud', numbers, { messagingLimit: 100_000 });
    const closed = closedSendWindow();
    // Both launched while the window is closed, then opened together: the first claim picks each wa_id twice.
    const first = await launch(channelId, listId, { sendWindow: closed });
    const second = await launch(channelId, listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(first)).status === 'running' && (await campaignStatus(second)).status === 'running');
    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = ANY($1::uuid[])', [[first, second]]);
    await waitFor('completion', async () => (await campaignStatus(first)).status === 'completed' && (await campaignStatus(second)).status === 'completed');
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(2);
    const [conversations] = (await engine.dataSource.query('SELECT count(*)::int AS n FROM channel_conversations WHERE channel_id = $1', [channelId])) as Array<{ n: number }>;
    expect(conversations.n).toBe(3);
  });

  it('a channel whose turn fails does not hold up the other channels', async () => {
    const blocked = await setup('cloud', phones(1, 8200));
    const healthy = await setup('cloud', phones(2, 8300));
    const closed = closedSendWindow();
    const blockedCampaign = await launch(blocked.channelId, blocked.listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(blockedCampaign)).status === 'running');
    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = $1', [blockedCampaign]);
    const channels = engine.app.get(ChannelsService);
    const findActiveById = channels.findActiveById.bind(channels);
    // Every other channel's turn fails (a database error, say); only the healthy one works.
    const spy = jest.spyOn(channels, 'findActiveById').mockImplementation(async (id: string) => {
      if (id !== healthy.channelId) throw new Error(`simulated failure for channel ${id}`);
      return findActiveById(id);
    });
    try {
      const campaignId = await launch(healthy.channelId, healthy.listId);
      await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
      expect(sandbox.acceptedFor(waId(phones(1, 8200)[0]))).toBe(0);
    } finally {
      spy.mockRestore();
    }
    await waitFor('the blocked channel catches up', async () => (await campaignStatus(blockedCampaign)).status === 'completed');
  });

  it('/metrics reports the recipients due per channel', async () => {
    const numbers = phones(3, 9200);
    const { channelId, listId } = await setup('cloud', numbers);
    const closed = closedSendWindow();
    // Launched, due, and held back by its send window: due until it is sent.
    const campaignId = await launch(channelId, listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(campaignId)).status === 'running');
    const due = async () => {
      const text = (await request(engine.url).get('/metrics').expect(200)).text;
      const line = text.split('\n').find((candidate) => candidate.startsWith(`wa_recipients_due{channel="${channelId}"}`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    expect(await due()).toBe(3);
    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = $1', [campaignId]);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
    expect(await due()).toBe(0);
  });

  it('a contact who opts out after launch is skipped at claim', async () => {
    const numbers = phones(2, 9000);
    const { channelId, listId } = await setup('cloud', numbers);
    const closed = closedSendWindow();
    const campaignId = await launch(channelId, listId, { sendWindow: closed });
    await waitFor('launch', async () => (await campaignStatus(campaignId)).status === 'running');
    await engine.dataSource.query(`UPDATE contacts SET opted_out_at = now() WHERE phone = $1`, [numbers[0]]);
    await engine.dataSource.query(`UPDATE campaigns SET send_window = NULL WHERE id = $1`, [campaignId]);
    await waitFor('completion', async () => (await campaignStatus(campaignId)).status === 'completed');
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(0);
    expect(sandbox.acceptedFor(waId(numbers[1]))).toBe(1);
    const [row] = (await engine.dataSource.query('SELECT status, skip_reason FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2', [
      campaignId,
      waId(numbers[0]),
    ])) as Array<{ status: string; skip_reason: string }>;
    expect(row).toEqual({ status: 'skipped', skip_reason: 'opted_out' });
  });
});
