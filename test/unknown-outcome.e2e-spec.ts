import request from 'supertest';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { launchCampaign, pollAt, report } from './claims-helpers.js';
import { createChannel, seedList, waitFor } from './fixtures.js';

/**
 * Issue 15, fewer duplicates when webhooks are late: an unknown Cloud outcome is resent only when the
 * channel's status webhooks demonstrably flow (a status applied for a message dispatched after it) and
 * still nothing came for it, or after UNKNOWN_OUTCOME_MAX_WAIT_SECONDS (src/campaigns/unknown-outcome.ts).
 * The engine's own sender loop is off: each send is one poll at an injected clock, so no assertion races
 * the wall clock. Webhooks are real: the sandbox posts them to the engine, whose processor applies them.
 */
const GRACE = 60;
const MAX_WAIT = 600;

describe('unknown outcomes wait for the channel status webhooks', () => {
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp({
      env: { SENDER_ENABLED: 'false', UNKNOWN_OUTCOME_GRACE_SECONDS: String(GRACE), UNKNOWN_OUTCOME_MAX_WAIT_SECONDS: String(MAX_WAIT), SEND_TIMEOUT_MS: '1500' },
    });
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });
  afterEach(() => sandbox.configure({ statuses: ['sent', 'delivered', 'read'], statusDelaysMs: { sent: 10, delivered: 30, read: 60 } }));

  let base = 1000;
  const phones = (count: number) => {
    base += 100;
    return Array.from({ length: count }, (_, i) => `+49154${String(base + i).padStart(8, '0')}`);
  };
  const waId = (phone: string) => phone.slice(1);

  /** A Cloud channel at the sandbox with its webhook registered through the engine, and its API key. */
  let keys = 0;
  async function webhookChannel(): Promise<{ channelId: string; apiKey: string }> {
    keys += 1;
    const apiKey = `outcome-key-${keys}`;
    sandbox.addKey(apiKey, 'cloud');
    const channel = await createChannel(engine, { name: `outcome ${keys}`, phoneNumber: '+4930123456', apiKey, apiGeneration: 'cloud', baseUrl: sandbox.url, messagesPerSecond: 200 });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    return { channelId: channel.id, apiKey };
  }

  async function row(campaignId: string, phone: string) {
    const [found] = (await engine.dataSource.query(
      'SELECT status, waiting_reason, dispatched_at, next_attempt_at FROM campaign_recipients WHERE campaign_id = $1 AND wa_id = $2',
      [campaignId, waId(phone)],
    )) as Array<{ status: string; waiting_reason: string | null; dispatched_at: Date; next_attempt_at: Date }>;
    return found;
  }

  const after = (time: Date, seconds: number) => new Date(time.getTime() + seconds * 1000);

  it('silent webhooks: the recipient waits (unknown_outcome in the report), not resent until the max wait, then once', async () => {
    const { channelId, apiKey } = await webhookChannel();
    const [lost, other] = phones(2);
    sandbox.configure({ statuses: [] });
    sandbox.injectFailure({ kind: 'reset', apiKey, to: waId(lost) });
    const { listId } = await seedList(engine.dataSource, 'silent', [{ phone: lost }, { phone: other }]);
    const campaignId = await launchCampaign(engine, { channelId, listId });
    await pollAt(engine, new Date());
    expect(sandbox.acceptedFor(waId(other))).toBe(1);
    const first = await row(campaignId, lost);
    expect(first).toMatchObject({ status: 'pending', waiting_reason: 'unknown_outcome' });
    const dispatched = first.dispatched_at;

    for (const at of [GRACE + 1, GRACE + 120, MAX_WAIT - 1]) {
      await pollAt(engine, after(dispatched, at));
      expect(sandbox.acceptedFor(waId(lost))).toBe(0);
      expect(await row(campaignId, lost)).toMatchObject({ status: 'pending', waiting_reason: 'unknown_outcome' });
    }
    expect((await report(engine, campaignId)).waiting).toEqual([expect.objectContaining({ reason: 'unknown_outcome', count: 1 })]);
    // Never later than the max wait: the campaign finishes.
    expect((await row(campaignId, lost)).next_attempt_at.getTime()).toBeLessThanOrEqual(after(dispatched, MAX_WAIT).getTime());

    // (+1 s: dispatched_at has microseconds, a JavaScript Date only milliseconds.)
    await pollAt(engine, after(dispatched, MAX_WAIT + 1));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    await pollAt(engine, after(dispatched, MAX_WAIT + GRACE * 10));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    expect((await row(campaignId, lost)).status).toBe('sent');
  });

  it('flowing webhooks and nothing for it: resent once after the grace, as soon as a later message has its status', async () => {
    const { channelId, apiKey } = await webhookChannel();
    const [lost, later] = phones(2);
    sandbox.injectFailure({ kind: 'reset', apiKey, to: waId(lost) });
    const one = await seedList(engine.dataSource, 'flowing one', [{ phone: lost }]);
    const campaignOne = await launchCampaign(engine, { channelId, listId: one.listId });
    await pollAt(engine, new Date());
    const dispatched = (await row(campaignOne, lost)).dispatched_at;
    await pollAt(engine, after(dispatched, GRACE + 1));
    expect(sandbox.acceptedFor(waId(lost))).toBe(0);

    // Another message of the channel, sent after it, gets its status webhooks: they flow.
    const two = await seedList(engine.dataSource, 'flowing two', [{ phone: later }]);
    const campaignTwo = await launchCampaign(engine, { channelId, listId: two.listId });
    await pollAt(engine, new Date());
    expect(sandbox.acceptedFor(waId(later))).toBe(1);
    await waitFor('the later message read (its status webhooks applied)', async () => (await row(campaignTwo, later)).status === 'read');
    await waitFor('the watermark written after the batch committed', async () => {
      const [channel] = (await engine.dataSource.query('SELECT statuses_seen_through > $2 AS past FROM channels WHERE id = $1', [channelId, dispatched])) as Array<{ past: boolean }>;
      return channel.past;
    });

    await pollAt(engine, after(dispatched, GRACE + 20));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    await waitFor('its own status', async () => (await row(campaignOne, lost)).status === 'read');
    await pollAt(engine, after(dispatched, MAX_WAIT + GRACE));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
  });

  it('in the last batch: resent once a status recorded well after its dispatch shows the webhooks flowing', async () => {
    const { channelId, apiKey } = await webhookChannel();
    const [lost, mate] = phones(2);
    // Nothing is dispatched after this batch, and no status comes by itself.
    sandbox.configure({ statuses: [] });
    sandbox.injectFailure({ kind: 'reset', apiKey, to: waId(lost) });
    const { listId } = await seedList(engine.dataSource, 'last batch', [{ phone: lost }, { phone: mate }]);
    const campaignId = await launchCampaign(engine, { channelId, listId });
    const sentAt = new Date();
    await pollAt(engine, sentAt);
    expect(sandbox.acceptedFor(waId(mate))).toBe(1);
    expect(await row(campaignId, lost)).toMatchObject({ status: 'pending', waiting_reason: 'unknown_outcome' });
    // The batch left three minutes ago (the processor stamps statuses by the wall clock, which a test cannot move).
    await engine.dataSource.query(`UPDATE campaign_recipients SET dispatched_at = dispatched_at - interval '3 minutes' WHERE campaign_id = $1`, [campaignId]);
    const dispatched = (await row(campaignId, lost)).dispatched_at;

    await pollAt(engine, after(sentAt, GRACE + 1));
    expect(sandbox.acceptedFor(waId(lost))).toBe(0);

    // The batch-mate is read now, three minutes after the batch left: its status, and the lost one's had
    // it gone out, had their turn.
    const [mateMessage] = sandbox.recentMessages({ to: waId(mate) });
    sandbox.sendStatus(mateMessage.id, 'read');
    await waitFor('the batch-mate read', async () => (await row(campaignId, mate)).status === 'read');
    await waitFor('the watermark written after the batch committed', async () => {
      const [channel] = (await engine.dataSource.query('SELECT statuses_seen_through > $2 AS past FROM channels WHERE id = $1', [channelId, dispatched])) as Array<{ past: boolean }>;
      return channel.past;
    });

    await pollAt(engine, after(sentAt, GRACE + 20));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    await pollAt(engine, after(sentAt, MAX_WAIT + GRACE));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
  });

  it('a late status of the lost answer: never resent, neither while waiting nor after the max wait', async () => {
    const { channelId, apiKey } = await webhookChannel();
    const [lost] = phones(1);
    // The message goes out, its answer is lost, and its status webhooks come seconds later.
    sandbox.configure({ statusDelaysMs: { sent: 3000, delivered: 3100, read: 3200 } });
    sandbox.injectFailure({ kind: 'lost_response', apiKey, to: waId(lost) });
    const { listId } = await seedList(engine.dataSource, 'late', [{ phone: lost }]);
    const campaignId = await launchCampaign(engine, { channelId, listId });
    await pollAt(engine, new Date());
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    const first = await row(campaignId, lost);
    // (Its status may already have come under load: then it is sent, and nothing is resent either.)
    if (first.status === 'pending') expect(first.waiting_reason).toBe('unknown_outcome');
    await pollAt(engine, after(first.dispatched_at, GRACE + 1));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    await waitFor('its late status', async () => (await row(campaignId, lost)).status === 'read');
    await pollAt(engine, after(first.dispatched_at, MAX_WAIT + GRACE));
    expect(sandbox.acceptedFor(waId(lost))).toBe(1);
    expect((await report(engine, campaignId)).waiting).toEqual([]);
  });
});
