import request from 'supertest';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { FAILURE_CATALOGUE } from '../src/sandbox/failure-catalogue.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, seedList, waitFor } from './fixtures.js';

/** Issue 13: what the engine does with 131050, 131049, 130472 and repeated template errors, against the sandbox. */
const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49152${String(base + i).padStart(8, '0')}`);
const waId = (phone: string) => phone.slice(1);
const HOUR = 3_600_000;
const catalogue = (kind: 'marketing_limit' | 'marketing_opt_out' | 'experiment', when: 'send' | 'webhook') => {
  const { code, title } = FAILURE_CATALOGUE[kind].cloud;
  return { code, title, when };
};

interface Row {
  wa_id: string;
  status: string;
  error_code: number | null;
  waiting_reason: string | null;
  next_attempt_at: Date;
  attempts: number;
  skip_reason: string | null;
  pricing_category: string | null;
  billable: boolean | null;
}

describe('error policy against the sandbox (issue 13)', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let keySequence = 0;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp({ env: { SEND_LEASE_SECONDS: '5' } });
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });
  afterEach(() => {
    sandbox.configure({ failingNumbers: {} });
    sandbox.clearFailures();
  });

  async function setup(contacts: string[], messagesPerSecond = 200) {
    keySequence += 1;
    const apiKey = `policy-key-${keySequence}`;
    sandbox.addKey(apiKey, 'cloud');
    const channel = await createChannel(engine, {
      name: `policy ${keySequence}`,
      phoneNumber: '+4930123456',
      apiKey,
      apiGeneration: 'cloud',
      baseUrl: sandbox.url,
      messagesPerSecond,
    });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    const { listId } = await seedList(engine.dataSource, `policy list ${keySequence}`, contacts.map((phone, i) => ({ phone, firstName: `Name${i}` })));
    return { apiKey, channelId: channel.id, listId };
  }

  async function launch(channelId: string, listId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Policy', channelId, listId, template, scheduledAt: new Date().toISOString(), ...extra })
      .expect(201);
    return response.body.id as string;
  }

  const campaign = async (id: string) => (await request(engine.url).get(`/v1/campaigns/${id}`).set(engine.auth).expect(200)).body as Record<string, unknown>;
  const rows = async (campaignId: string): Promise<Row[]> =>
    engine.dataSource.query(
      `SELECT wa_id, status, error_code, waiting_reason, next_attempt_at, attempts, skip_reason, pricing_category, billable
       FROM campaign_recipients WHERE campaign_id = $1 ORDER BY wa_id`,
      [campaignId],
    );
  const rowOf = async (campaignId: string, phone: string) => (await rows(campaignId)).find((row) => row.wa_id === waId(phone))!;
  /** Moves time for the sender: the recipient's wait is over now. */
  const dueNow = (campaignId: string, phone: string) =>
    engine.dataSource.query(`UPDATE campaign_recipients SET next_attempt_at = now() WHERE campaign_id = $1 AND wa_id = $2`, [campaignId, waId(phone)]);

  it('131050 (send answer and failed status) fails the recipient, opts the contact out of marketing, and the next MARKETING campaign skips them', async () => {
    const numbers = phones(3, 1000);
    const { channelId, listId } = await setup(numbers);
    sandbox.configure({
      failingNumbers: { [waId(numbers[0])]: catalogue('marketing_opt_out', 'send'), [waId(numbers[1])]: catalogue('marketing_opt_out', 'webhook') },
    });
    const first = await launch(channelId, listId);
    await waitFor('both failed', async () => (await rows(first)).filter((row) => row.status === 'failed' && row.error_code === 131050).length === 2);
    await waitFor('third read', async () => (await rowOf(first, numbers[2])).status === 'read');
    // Pricing rode on sent, delivered and read: stored once.
    expect(await rowOf(first, numbers[2])).toMatchObject({ pricing_category: 'marketing', billable: true });

    const contacts: Array<{ wa_id: string; marketing_opted_out_at: Date | null; opted_out_at: Date | null; sources: string[] | null }> = await engine.dataSource.query(
      `SELECT c.wa_id, c.marketing_opted_out_at, c.opted_out_at,
         (SELECT array_agg(e.source) FROM consent_events e WHERE e.contact_id = c.id AND e.kind = 'marketing_opt_out') AS sources
       FROM contacts c WHERE c.wa_id = ANY($1) ORDER BY c.wa_id`,
      [numbers.map(waId)],
    );
    expect(contacts.map((c) => [c.marketing_opted_out_at !== null, c.opted_out_at, c.sources])).toEqual([
      [true, null, ['whatsapp_error_131050']],
      [true, null, ['whatsapp_error_131050']],
      [false, null, null],
    ]);

    sandbox.configure({ failingNumbers: {} });
    const second = await launch(channelId, listId);
    await waitFor('second completed', async () => (await campaign(second)).status === 'completed');
    expect((await rows(second)).map((row) => [row.status, row.skip_reason])).toEqual([
      ['skipped', 'marketing_opted_out'],
      ['skipped', 'marketing_opted_out'],
      [expect.stringMatching(/sent|delivered|read/), null],
    ]);
    expect(sandbox.acceptedFor(waId(numbers[1]))).toBe(1);
    expect(sandbox.acceptedFor(waId(numbers[2]))).toBe(2);
  });

  it('131049 waits a day, then two, is sent when Meta lets it through, ends failed after the retries, and retry-failed takes it again', async () => {
    const numbers = phones(2, 2000);
    const { channelId, listId } = await setup(numbers);
    sandbox.configure({
      failingNumbers: { [waId(numbers[0])]: catalogue('marketing_limit', 'send'), [waId(numbers[1])]: catalogue('marketing_limit', 'send') },
    });
    const id = await launch(channelId, listId);
    const startedAt = Date.now();
    await waitFor('both wait', async () => (await rows(id)).filter((row) => row.waiting_reason === 'marketing_limit').length === 2);
    for (const row of await rows(id)) {
      expect(row).toMatchObject({ status: 'pending', error_code: 131049, attempts: 1 });
      expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThanOrEqual(startedAt + 24 * HOUR - 1000);
      expect(new Date(row.next_attempt_at).getTime()).toBeLessThan(Date.now() + 24 * HOUR + 1000);
    }
    const report = (await request(engine.url).get(`/v1/campaigns/${id}/report`).set(engine.auth).expect(200)).body as { waiting: Array<Record<string, unknown>> };
    expect(report.waiting).toEqual([{ reason: 'marketing_limit', count: 2, nextAttemptAt: expect.any(String) }]);
    expect(new Date(report.waiting[0].nextAttemptAt as string).getTime()).toBeGreaterThan(Date.now() + 23 * HOUR);
    expect((await campaign(id)).status).toBe('running');

    // A day later: Meta lets the second through; the first is refused again and waits two days.
    sandbox.configure({ failingNumbers: { [waId(numbers[0])]: catalogue('marketing_limit', 'send') } });
    await dueNow(id, numbers[0]);
    await dueNow(id, numbers[1]);
    await waitFor('second sent', async () => ['sent', 'delivered', 'read'].includes((await rowOf(id, numbers[1])).status));
    await waitFor('first waits again', async () => (await rowOf(id, numbers[0])).attempts === 2 && (await rowOf(id, numbers[0])).status === 'pending');
    const again = await rowOf(id, numbers[0]);
    expect(again.waiting_reason).toBe('marketing_limit');
    expect(new Date(again.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 47 * HOUR);

    // Two days later: refused a third time; MARKETING_LIMIT_MAX_RETRIES (2) are used up.
    await dueNow(id, numbers[0]);
    await waitFor('first failed', async () => (await rowOf(id, numbers[0])).status === 'failed');
    expect(await rowOf(id, numbers[0])).toMatchObject({ error_code: 131049, attempts: 3, waiting_reason: null });
    await waitFor('completed', async () => (await campaign(id)).status === 'completed');
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(0);

    // retry-failed includes 131049.
    sandbox.configure({ failingNumbers: {} });
    await request(engine.url).post(`/v1/campaigns/${id}/retry-failed`).set(engine.auth).expect(200);
    await waitFor('first sent after retry-failed', async () => ['sent', 'delivered', 'read'].includes((await rowOf(id, numbers[0])).status));
    expect(sandbox.acceptedFor(waId(numbers[0]))).toBe(1);
  });

  it('131049 is not retried past the campaign validUntil (default scheduledAt + 7 days, shown on the campaign)', async () => {
    const numbers = phones(1, 3000);
    const { channelId, listId } = await setup(numbers);
    sandbox.configure({ failingNumbers: { [waId(numbers[0])]: catalogue('marketing_limit', 'send') } });
    const scheduledAt = new Date();
    const defaulted = await campaign(await launch(channelId, listId, { scheduledAt: scheduledAt.toISOString() }));
    expect(new Date(defaulted.validUntil as string).getTime()).toBe(scheduledAt.getTime() + 7 * 24 * HOUR);
    const validUntil = new Date(Date.now() + 2 * HOUR).toISOString();
    const id = await launch(channelId, listId, { validUntil });
    expect(new Date((await campaign(id)).validUntil as string).toISOString()).toBe(validUntil);
    await waitFor('failed at once', async () => (await rowOf(id, numbers[0])).status === 'failed');
    expect(await rowOf(id, numbers[0])).toMatchObject({ error_code: 131049, attempts: 1 });
    await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Bad', channelId, listId, template, scheduledAt: new Date().toISOString(), validUntil: '2020-01-01T00:00:00Z' })
      .expect(400);
  });

  it('130472 fails, is never retried (not even by retry-failed) and does not touch the contact', async () => {
    const numbers = phones(2, 4000);
    const { channelId, listId } = await setup(numbers);
    sandbox.configure({
      failingNumbers: { [waId(numbers[0])]: catalogue('experiment', 'send'), [waId(numbers[1])]: catalogue('experiment', 'webhook') },
    });
    const id = await launch(channelId, listId);
    await waitFor('both failed', async () => (await rows(id)).filter((row) => row.status === 'failed' && row.error_code === 130472).length === 2);
    await waitFor('completed', async () => (await campaign(id)).status === 'completed');
    expect((await rows(id)).map((row) => row.attempts)).toEqual([1, 1]);
    await request(engine.url).post(`/v1/campaigns/${id}/retry-failed`).set(engine.auth).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await rows(id)).map((row) => row.status)).toEqual(['failed', 'failed']);
    const [contact] = await engine.dataSource.query(`SELECT marketing_opted_out_at, opted_out_at FROM contacts WHERE wa_id = $1`, [waId(numbers[0])]);
    expect(contact).toEqual({ marketing_opted_out_at: null, opted_out_at: null });
  });

  it('five identical template failures (132000) pause the campaign with the error; resume after the fix sends the rest', async () => {
    const numbers = phones(12, 5000);
    const { apiKey, channelId, listId } = await setup(numbers, 2);
    sandbox.injectFailure({ kind: 'error', apiKey, count: 1000, code: 132000, title: 'Number of parameters does not match the expected number of params' });
    const id = await launch(channelId, listId);
    await waitFor('paused', async () => (await campaign(id)).status === 'paused', 30_000);
    expect((await campaign(id)).pausedReason).toMatch(/132000/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const failed = (await rows(id)).filter((row) => row.status === 'failed');
    expect(failed).toHaveLength(5);
    expect(failed.every((row) => row.error_code === 132000)).toBe(true);

    sandbox.clearFailures();
    await request(engine.url).post(`/v1/campaigns/${id}/resume`).set(engine.auth).expect(200);
    await waitFor('completed', async () => (await campaign(id)).status === 'completed', 30_000);
    const final = await rows(id);
    expect(final.filter((row) => row.status === 'failed')).toHaveLength(5);
    expect(final.filter((row) => ['sent', 'delivered', 'read'].includes(row.status))).toHaveLength(7);
  });
});
