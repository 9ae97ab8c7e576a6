import request from 'supertest';
import { createSandbox, type Sandbox, type SignalRequest } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, recipientStatuses, seedList, waitFor } from './fixtures.js';

const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49152${String(base + i).padStart(8, '0')}`);
const waId = (phone: string) => phone.slice(1);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

interface ChannelView {
  pausedReason: string | null;
  qualityRating: string | null;
  messagingLimit: number | null;
  whatsappMessagingLimit: number | null;
  effectiveMessagingLimit: number | null;
  messagingLimitSource: string | null;
  lastAccountEvent: { kind: string; event: string; summary: string; occurredAt: string } | null;
}

describe('account signals from webhooks (sandbox → engine)', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let keySequence = 0;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp();
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  async function setup(contacts: string[], channelOptions: Record<string, unknown> = {}) {
    keySequence += 1;
    const apiKey = `signals-key-${keySequence}`;
    sandbox.addKey(apiKey, 'cloud');
    const channel = await createChannel(engine, {
      name: `signals ${keySequence}`,
      phoneNumber: '+4930123456',
      apiKey,
      apiGeneration: 'cloud',
      baseUrl: sandbox.url,
      messagesPerSecond: 200,
      ...channelOptions,
    });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    const { listId, contactIds } = await seedList(engine.dataSource, `list ${keySequence}`, contacts.map((phone, i) => ({ phone, firstName: `Name${i}` })));
    return { apiKey, channelId: channel.id, listId, contactIds };
  }

  async function campaign(channelId: string, listId: string, scheduledAt = new Date()): Promise<string> {
    const response = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Signals', channelId, listId, template, scheduledAt: scheduledAt.toISOString() })
      .expect(201);
    return response.body.id as string;
  }

  async function signal(apiKey: string, body: SignalRequest): Promise<void> {
    const result = await sandbox.sendSignal(apiKey, body);
    expect(result.delivered).toBe(true);
  }

  const getChannel = async (id: string) => (await request(engine.url).get(`/v1/channels/${id}`).set(engine.auth).expect(200)).body as ChannelView;
  const getCampaign = async (id: string) =>
    (await request(engine.url).get(`/v1/campaigns/${id}`).set(engine.auth).expect(200)).body as { status: string; pausedReason: string | null; templateNotice: string | null };
  const events = async (channelId: string, query = '') =>
    (await request(engine.url).get(`/v1/channels/${channelId}/events${query}`).set(engine.auth).expect(200)).body as {
      items: Array<{ id: string; kind: string; detail: Record<string, unknown> }>;
      nextCursor: string | null;
    };
  const inboxStates = async (channelId: string) =>
    ((await engine.dataSource.query('SELECT state FROM webhook_inbox WHERE channel_id = $1', [channelId])) as Array<{ state: string }>).map((row) => row.state);
  const templateStatus = (event: string, reason: string | null = null): SignalRequest => ({
    field: 'message_template_status_update',
    value: { event, message_template_id: 9001, message_template_name: template.name, message_template_language: template.language, reason },
  });

  it('a template paused by WhatsApp pauses an A/B test that uses it in a later variant (integration)', async () => {
    const { apiKey, channelId, listId } = await setup(phones(2, 1900));
    const utility = { name: 'order_update', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|A-1}}' }] }] };
    const { body: created } = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'A/B', channelId, listId, scheduledAt: new Date(Date.now() + 3_600_000).toISOString(), variants: [{ name: 'A', weight: 50, template: utility }, { name: 'B', weight: 50, template }] })
      .expect(201);
    await signal(apiKey, templateStatus('PAUSED', 'LOW_QUALITY'));
    await waitFor('A/B campaign paused', async () => (await getCampaign(created.id)).status === 'paused');
    expect((await getCampaign(created.id)).pausedReason).toMatch(/template "spring_sale" \(en\) is PAUSED by WhatsApp/);
  });

  it('a template paused by WhatsApp stops its running campaign at once; resume waits for APPROVED and finishes without a duplicate', async () => {
    const numbers = phones(60, 1000);
    const { apiKey, channelId, listId } = await setup(numbers, { messagesPerSecond: 10 });
    const campaignId = await campaign(channelId, listId);
    await waitFor('first sends', async () => numbers.some((phone) => sandbox.acceptedFor(waId(phone)) > 0));

    await signal(apiKey, templateStatus('PAUSED', 'LOW_QUALITY'));
    const pausedAt = Date.now();
    await waitFor('campaign paused', async () => (await getCampaign(campaignId)).status === 'paused', 5_000, 25);
    expect(Date.now() - pausedAt).toBeLessThan(2_000);
    const sentAtPause = sandbox.stats().accepted;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // A call already confirmed when the pause committed may still land: at most one limiter slot.
    expect(sandbox.stats().accepted - sentAtPause).toBeLessThanOrEqual(1);
    expect(sandbox.stats().accepted).toBeLessThan(numbers.length);
    expect((await getCampaign(campaignId)).pausedReason).toMatch(/template "spring_sale" \(en\) is PAUSED by WhatsApp.*message_template_status_update.*LOW_QUALITY/);

    const refused = await request(engine.url).post(`/v1/campaigns/${campaignId}/resume`).set(engine.auth).expect(409);
    expect(refused.body.message).toMatch(/template "spring_sale" \(en\) is PAUSED/);
    const [stored] = (await engine.dataSource.query('SELECT status, status_reason, external_id FROM templates WHERE channel_id = $1 AND name = $2 AND language = $3', [channelId, template.name, template.language])) as Array<Record<string, string>>;
    expect(stored).toEqual({ status: 'PAUSED', status_reason: 'LOW_QUALITY', external_id: '9001' });

    await signal(apiKey, templateStatus('APPROVED'));
    await waitFor('template approved', async () => {
      const [row] = (await engine.dataSource.query('SELECT status FROM templates WHERE channel_id = $1 AND name = $2 AND language = $3', [channelId, template.name, template.language])) as Array<{ status: string }>;
      return row.status === 'APPROVED';
    });
    await request(engine.url).post(`/v1/campaigns/${campaignId}/resume`).set(engine.auth).expect(200);
    await waitFor('completed', async () => (await getCampaign(campaignId)).status === 'completed', 30_000);
    for (const phone of numbers) expect(sandbox.acceptedFor(waId(phone))).toBe(1);
    const history = await events(channelId);
    expect(history.items.map((item) => [item.kind, item.detail.event])).toEqual([
      ['template_status', 'APPROVED'],
      ['template_status', 'PAUSED'],
    ]);
  });

  it('a template recategorised as MARKETING puts a notice on the campaigns that use it (GET and report)', async () => {
    const { apiKey, channelId, listId } = await setup(phones(1, 2000));
    const campaignId = await campaign(channelId, listId, new Date(Date.now() + 3600_000));
    await signal(apiKey, {
      field: 'template_category_update',
      value: { message_template_id: 77, message_template_name: 'spring_sale', message_template_language: 'en', previous_category: 'UTILITY', new_category: 'MARKETING' },
    });
    await waitFor('notice', async () => (await getCampaign(campaignId)).templateNotice);
    expect((await getCampaign(campaignId)).templateNotice).toMatch(/recategorised template "spring_sale" \(en\) from UTILITY to MARKETING/);
    const report = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
    expect(report.body.templateNotice).toMatch(/MARKETING/);
    const [row] = (await engine.dataSource.query('SELECT category FROM templates WHERE channel_id = $1 AND name = $2 AND language = $3', [channelId, template.name, template.language])) as Array<{ category: string }>;
    expect(row.category).toBe('MARKETING');
  });

  it('an account restriction pauses the channel and its campaigns; an expired one is recorded and pauses nothing', async () => {
    const live = await setup(phones(1, 3000));
    const liveCampaign = await campaign(live.channelId, live.listId, new Date(Date.now() + 3600_000));
    const until = new Date(Date.now() + 2 * 24 * 3600_000);
    await signal(live.apiKey, {
      field: 'account_update',
      value: { event: 'ACCOUNT_RESTRICTION', phone_number: '4930123456', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: seconds(until) }] },
    });
    await waitFor('channel paused', async () => (await getChannel(live.channelId)).pausedReason);
    const channel = await getChannel(live.channelId);
    expect(channel.pausedReason).toMatch(/account_update: ACCOUNT_RESTRICTION; restriction RESTRICTED_BIZ_INITIATED_MESSAGING until \d{4}-\d\d-\d\d/);
    expect(channel.lastAccountEvent).toMatchObject({ kind: 'account_update', event: 'ACCOUNT_RESTRICTION' });
    expect(await getCampaign(liveCampaign)).toMatchObject({ status: 'paused', pausedReason: channel.pausedReason });

    const expired = await setup(phones(1, 3100));
    await signal(expired.apiKey, {
      field: 'account_update',
      value: { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: seconds(new Date(Date.now() - 3600_000)) }] },
    });
    await waitFor('event recorded', async () => (await getChannel(expired.channelId)).lastAccountEvent);
    const after = await getChannel(expired.channelId);
    expect(after.pausedReason).toBeNull();
    expect(after.lastAccountEvent?.summary).toMatch(/RESTRICTED_BIZ_INITIATED_MESSAGING expired/);
  });

  it('quality and capability webhooks set the effective messaging limit (a lower manual one wins), and the sender keeps to it', async () => {
    const numbers = phones(5, 4000);
    const { apiKey, channelId, listId } = await setup(numbers, { messagingLimit: 1000 });
    await signal(apiKey, { field: 'phone_number_quality_update', value: { display_phone_number: '4930123456', event: 'DOWNGRADE', current_limit: 'TIER_250' } });
    await waitFor('quality', async () => (await getChannel(channelId)).qualityRating);
    expect(await getChannel(channelId)).toMatchObject({
      qualityRating: 'DOWNGRADE',
      messagingLimit: 1000,
      whatsappMessagingLimit: 250,
      effectiveMessagingLimit: 250,
      messagingLimitSource: 'whatsapp',
      lastAccountEvent: { kind: 'phone_quality', event: 'DOWNGRADE' },
    });
    await request(engine.url).patch(`/v1/channels/${channelId}`).set(engine.auth).send({ messagingLimit: 100 }).expect(200);
    expect(await getChannel(channelId)).toMatchObject({ effectiveMessagingLimit: 100, messagingLimitSource: 'manual' });

    await signal(apiKey, { field: 'business_capability_update', value: { max_daily_conversation_per_phone: 2, max_phone_numbers_per_waba: 25 } });
    await waitFor('capability', async () => (await getChannel(channelId)).whatsappMessagingLimit === 2);
    expect(await getChannel(channelId)).toMatchObject({ effectiveMessagingLimit: 2, messagingLimitSource: 'whatsapp', lastAccountEvent: { kind: 'business_capability' } });

    // A limit of 2 is paced over the day (sender/pacing.ts): one conversation now, the next in 12 h.
    const campaignId = await campaign(channelId, listId);
    await waitFor('one sent', async () => (await recipientStatuses(engine.dataSource, campaignId)).pending === 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(numbers.reduce((sum, phone) => sum + sandbox.acceptedFor(waId(phone)), 0)).toBe(1);
    const [slot] = (await engine.dataSource.query(`SELECT extract(epoch FROM next_slot_at - now()) / 3600 AS hours FROM channel_pacing WHERE channel_id = $1`, [
      channelId,
    ])) as Array<{ hours: number }>;
    expect(Number(slot.hours)).toBeGreaterThan(11.9);
  });

  it('user_preferences: a marketing stop opts the contact out of marketing with a consent event; resume is recorded and opts nobody in', async () => {
    const numbers = phones(2, 5000);
    const { apiKey, contactIds } = await setup(numbers);
    const at = seconds(new Date()) - 60;
    await signal(apiKey, {
      field: 'user_preferences',
      value: { user_preferences: [{ wa_id: waId(numbers[0]), detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: at }] },
    });
    const contact = async (id: string) => (await request(engine.url).get(`/v1/contacts/${id}`).set(engine.auth).expect(200)).body as { marketingOptedOutAt: string | null };
    await waitFor('opted out', async () => (await contact(contactIds[0])).marketingOptedOutAt);
    expect((await contact(contactIds[0])).marketingOptedOutAt).toBe(new Date(at * 1000).toISOString());
    await signal(apiKey, {
      field: 'user_preferences',
      value: {
        user_preferences: [
          { wa_id: waId(numbers[0]), category: 'marketing_messages', value: 'resume', timestamp: at + 30 },
          { wa_id: waId(numbers[1]), category: 'marketing_messages', value: 'resume', timestamp: at + 30 },
        ],
      },
    });
    const consent = async () =>
      (await engine.dataSource.query('SELECT contact_id::text AS contact, kind, source FROM consent_events WHERE contact_id = ANY($1::bigint[]) ORDER BY id', [contactIds])) as Array<
        Record<string, string>
      >;
    await waitFor('resumes recorded', async () => (await consent()).length === 3);
    expect(await consent()).toEqual([
      { contact: contactIds[0], kind: 'marketing_opt_out', source: 'whatsapp_user_preferences' },
      { contact: contactIds[0], kind: 'marketing_resume', source: 'whatsapp_user_preferences' },
      { contact: contactIds[1], kind: 'marketing_resume', source: 'whatsapp_user_preferences' },
    ]);
    expect((await contact(contactIds[0])).marketingOptedOutAt).not.toBeNull();
    expect((await contact(contactIds[1])).marketingOptedOutAt).toBeNull();
  });

  it('a value-level error (130429) fails nobody and shows as a channel event; an unknown field is processed and changes nothing', async () => {
    const numbers = phones(3, 6000);
    const { apiKey, channelId, listId } = await setup(numbers);
    const campaignId = await campaign(channelId, listId);
    await waitFor('completed', async () => (await getCampaign(campaignId)).status === 'completed');
    const before = await getChannel(channelId);

    await signal(apiKey, { field: 'messages', value: { errors: [{ code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: 'Cloud API message throughput has been reached.' } }] } });
    await waitFor('value error event', async () => (await events(channelId)).items.length === 1);
    expect((await events(channelId)).items[0]).toMatchObject({ kind: 'value_error', detail: { code: 130429, title: 'Rate limit hit' } });
    expect((await recipientStatuses(engine.dataSource, campaignId)).failed).toBeUndefined();

    await signal(apiKey, { field: 'security', value: { display_phone_number: '4930123456', event: 'PIN_CHANGED' } });
    await waitFor('all processed', async () => {
      const states = await inboxStates(channelId);
      return states.length > 0 && states.every((state) => state === 'processed');
    });
    expect((await events(channelId)).items).toHaveLength(1);
    const after = await getChannel(channelId);
    expect({ ...after, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
  });

  it('GET /v1/channels/:id/events pages newest first with a cursor; a replayed webhook shows once', async () => {
    const { apiKey, channelId } = await setup(phones(1, 7000));
    const time = seconds(new Date());
    for (const event of ['UPGRADE', 'DOWNGRADE', 'FLAGGED']) {
      await signal(apiKey, { field: 'phone_number_quality_update', value: { event }, time });
      await waitFor(event, async () => (await events(channelId)).items[0]?.detail.event === event);
    }
    await signal(apiKey, { field: 'phone_number_quality_update', value: { event: 'FLAGGED' }, time });
    await waitFor('replay processed', async () => (await inboxStates(channelId)).filter((state) => state === 'processed').length === 4);
    const first = await events(channelId, '?limit=2');
    expect(first.items.map((item) => item.detail.event)).toEqual(['FLAGGED', 'DOWNGRADE']);
    expect(first.nextCursor).not.toBeNull();
    const second = await events(channelId, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.detail.event)).toEqual(['UPGRADE']);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((item) => Number(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    await request(engine.url).get(`/v1/channels/${channelId}/events?cursor=bogus`).set(engine.auth).expect(400);
  });

  it('POST /_sandbox/signals posts the webhook over HTTP', async () => {
    const { apiKey, channelId } = await setup(phones(1, 8000));
    const response = await request(sandbox.url)
      .post('/_sandbox/signals')
      .send({ apiKey, field: 'business_capability_update', value: { max_daily_conversations_per_business: 'TIER_1K' } })
      .expect(200);
    expect(response.body).toEqual({ field: 'business_capability_update', delivered: true });
    await waitFor('limit', async () => (await getChannel(channelId)).whatsappMessagingLimit === 1000);
    await request(sandbox.url).post('/_sandbox/signals').send({ apiKey, field: 'account_update' }).expect(400);
  });
});
