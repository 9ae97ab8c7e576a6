/**
 * Engagement and A/B variants against the sandbox (issue 16): quick-reply clicks with and without
 * context are attributed and counted per button, the replies listing, redelivery, opt-outs (keyword and
 * 131050) counted in optedOut, a 50/50 variant split on 10,000 launched recipients, and a winner that
 * goes to the held rest once an injected clock says the test has run.
 */
import request from 'supertest';
import { CampaignScheduler } from '../src/campaigns/campaign-scheduler.service.js';
import { RecipientsRepository } from '../src/campaigns/recipients.repository.js';
import { BUCKETS, variantBounds, variantOfBucket } from '../src/campaigns/variants.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { closedSendWindow, createChannel, seedBulkList, seedList, waitFor } from './fixtures.js';

const NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';
const body = (text: string) => ({ type: 'body', parameters: [{ type: 'text', text }] });
const EN = { name: 'spring_sale', language: 'en', components: [body('{{first_name|there}}')] };
const DE = { name: 'spring_sale', language: 'de', components: [body('{{first_name}}')] };
const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49152${String(base + i).padStart(8, '0')}`);
const waId = (phone: string) => phone.slice(1);

interface Report {
  status: string;
  engagement: { replied: number; clicked: number; optedOut: number; replyRate: number; buttons: Array<{ payload: string | null; text: string | null; count: number }> };
  variants: Array<{ name: string; total: number; counts: Record<string, number>; reached: { sent: number }; engagement: { clicked: number } }>;
  abTest: { winnerVariant: string | null } | null;
  waiting: Array<{ reason: string; count: number }>;
}

interface Reply {
  id: string;
  phone: string;
  type: string;
  text: string | null;
  button: { kind: string; payload: string | null; text: string | null } | null;
  attribution: string;
  optOut: boolean;
}

describe('engagement and A/B variants', () => {
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

  async function setup(contacts: string[], generation: 'cloud' | 'onpremise' = 'cloud') {
    keySequence += 1;
    const apiKey = `engagement-key-${keySequence}`;
    sandbox.addKey(apiKey, generation === 'cloud' ? 'cloud' : { generation: 'onpremise', templateNamespace: NAMESPACE });
    const channel = await createChannel(engine, {
      name: `engagement ${keySequence}`,
      phoneNumber: '+4930123456',
      apiKey,
      apiGeneration: generation,
      baseUrl: sandbox.url,
      messagesPerSecond: 200,
      ...(generation === 'onpremise' ? { templateNamespace: NAMESPACE } : {}),
    });
    await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
    const { listId } = await seedList(engine.dataSource, `engagement list ${keySequence}`, contacts.map((phone, i) => ({ phone, firstName: `Name${i}` })));
    return { apiKey, channelId: channel.id, listId };
  }

  async function create(fields: Record<string, unknown>): Promise<string> {
    const response = await request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'Engagement', scheduledAt: new Date().toISOString(), ...fields });
    if (response.status !== 201) throw new Error(`campaign not created: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id as string;
  }

  const report = async (id: string) => (await request(engine.url).get(`/v1/campaigns/${id}/report`).set(engine.auth).expect(200)).body as Report;
  const messageIds = async (campaignId: string) =>
    new Map(
      ((await engine.dataSource.query('SELECT wa_id, message_id FROM campaign_recipients WHERE campaign_id = $1', [campaignId])) as Array<{ wa_id: string; message_id: string }>).map(
        (row) => [row.wa_id, row.message_id],
      ),
    );
  const inbound = async (fields: Record<string, unknown>) => (await request(sandbox.url).post('/_sandbox/inbound').send(fields).expect(200)).body as { messageId: string; delivered: boolean };

  async function allReplies(campaignId: string, limit: number): Promise<Reply[]> {
    const items: Reply[] = [];
    let cursor: string | null = null;
    do {
      const page = await request(engine.url)
        .get(`/v1/campaigns/${campaignId}/replies`)
        .query({ limit, ...(cursor ? { cursor } : {}) })
        .set(engine.auth)
        .expect(200);
      items.push(...(page.body.items as Reply[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return items;
  }

  it('attributes quick-reply clicks with and without context, counts them per button, lists the replies, once per message', async () => {
    const numbers = phones(5, 1000);
    const [withContext, withoutContext, interactive, texter, quiet] = numbers.map(waId);
    const { apiKey, channelId, listId } = await setup(numbers);
    const campaignId = await create({ channelId, listId, template: EN });
    await waitFor('completion', async () => (await report(campaignId)).status === 'completed');
    const ids = await messageIds(campaignId);

    expect((await inbound({ apiKey, from: withContext, button: { payload: 'YES', text: 'Yes' }, context: ids.get(withContext) })).delivered).toBe(true);
    await inbound({ apiKey, from: withoutContext, button: { payload: null, text: 'Maybe' } });
    await inbound({ apiKey, from: interactive, interactive: { type: 'button_reply', id: 'YES', title: 'Yes' }, context: ids.get(interactive) });
    await inbound({ apiKey, from: texter, text: 'Thanks!' });
    await inbound({ apiKey, from: texter, text: 'STOP' });
    // A later tap of the same person: the first click stays.
    await inbound({ apiKey, from: withContext, button: { payload: 'NO', text: 'No' }, context: ids.get(withContext) });
    // Someone the campaign never messaged: no reply of this campaign.
    await inbound({ apiKey, from: '491529999999', text: 'who is this?' });

    const replies = await waitFor('six replies', async () => {
      const listed = await allReplies(campaignId, 2);
      return listed.length === 6 ? listed : null;
    });
    expect(new Set(replies.map((reply) => reply.id)).size).toBe(6);
    const of = (wa: string) => replies.filter((reply) => reply.phone === `+${wa}`);
    expect(of(withContext)).toEqual([
      expect.objectContaining({ type: 'button', text: 'Yes', button: { kind: 'quick_reply', payload: 'YES', text: 'Yes' }, attribution: 'context' }),
      expect.objectContaining({ button: { kind: 'quick_reply', payload: 'NO', text: 'No' }, attribution: 'context' }),
    ]);
    expect(of(withoutContext)).toEqual([expect.objectContaining({ button: { kind: 'quick_reply', payload: null, text: 'Maybe' }, attribution: 'recent' })]);
    expect(of(interactive)).toEqual([expect.objectContaining({ type: 'interactive', button: { kind: 'button_reply', payload: 'YES', text: 'Yes' }, attribution: 'context' })]);
    expect(of(texter).map((reply) => [reply.text, reply.button, reply.attribution, reply.optOut])).toEqual([
      ['Thanks!', null, 'recent', false],
      ['STOP', null, 'recent', true],
    ]);
    expect(of(quiet)).toEqual([]);

    // A replayed webhook (the same inbound message id) counts nothing twice.
    const target = sandbox.webhookFor(apiKey)!;
    const replay = JSON.stringify({
      contacts: [{ profile: { name: 'Replay' }, wa_id: quiet }],
      messages: [{ from: quiet, id: 'wamid.replayed-click', timestamp: String(Math.floor(Date.now() / 1000)), type: 'button', button: { payload: 'YES', text: 'Yes' }, context: { id: ids.get(quiet) } }],
    });
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: replay });
      expect(response.status).toBe(200);
    }
    await waitFor('the replayed click', async () => (await allReplies(campaignId, 100)).length === 7);

    const engagement = await waitFor('engagement counted', async () => {
      const current = (await report(campaignId)).engagement;
      return current.clicked === 4 ? current : null;
    });
    expect(engagement).toEqual({
      replied: 5,
      clicked: 4,
      optedOut: 1,
      replyRate: 1,
      buttons: [
        { payload: 'YES', text: 'Yes', count: 3 },
        { payload: 'NO', text: 'No', count: 1 },
        { payload: null, text: 'Maybe', count: 1 },
      ],
    });
    const recipients = (await request(engine.url).get(`/v1/campaigns/${campaignId}/recipients`).set(engine.auth).expect(200)).body.items as Array<{
      phone: string;
      repliedAt: string | null;
      clickedButton: string | null;
    }>;
    const clicked = Object.fromEntries(recipients.map((recipient) => [recipient.phone.slice(1), recipient.clickedButton]));
    expect(clicked).toEqual({ [withContext]: 'YES', [withoutContext]: 'Maybe', [interactive]: 'YES', [texter]: null, [quiet]: 'YES' });
    expect(recipients.every((recipient) => recipient.repliedAt !== null)).toBe(true);

    const csv = (await request(engine.url).get(`/v1/campaigns/${campaignId}/report.csv`).set(engine.auth).expect(200)).text.trim().split('\n');
    expect(csv[0].endsWith(',replied_at,button')).toBe(true);
    expect(csv.find((line) => line.includes(withoutContext))).toMatch(/,\d{4}-\d\d-\d\dT[^,]+Z,Maybe$/);
  });

  it('On-Premise: a quick reply with context and an interactive list reply without are attributed too', async () => {
    const numbers = phones(2, 1500);
    const [tapper, lister] = numbers.map(waId);
    const { apiKey, channelId, listId } = await setup(numbers, 'onpremise');
    const campaignId = await create({ channelId, listId, template: EN });
    await waitFor('completion', async () => (await report(campaignId)).status === 'completed');
    const ids = await messageIds(campaignId);
    await inbound({ apiKey, from: tapper, button: { payload: null, text: 'Yes please' }, context: ids.get(tapper) });
    await inbound({ apiKey, from: lister, interactive: { type: 'list_reply', id: 'tue', title: 'Tuesday' } });
    const replies = await waitFor('two replies', async () => {
      const listed = await allReplies(campaignId, 100);
      return listed.length === 2 ? listed : null;
    });
    expect(replies.map((reply) => [reply.phone, reply.button, reply.attribution])).toEqual(
      expect.arrayContaining([
        [`+${tapper}`, { kind: 'quick_reply', payload: null, text: 'Yes please' }, 'context'],
        [`+${lister}`, { kind: 'list_reply', payload: 'tue', text: 'Tuesday' }, 'recent'],
      ]),
    );
    expect((await report(campaignId)).engagement).toMatchObject({ replied: 2, clicked: 2 });
  });

  it('counts an opt-out in optedOut of the campaign whose message came before it: a keyword, a 131050 status and a 131050 send answer', async () => {
    const numbers = phones(3, 2000);
    const [keyword, stopped, refused] = numbers.map(waId);
    const { apiKey, channelId, listId } = await setup(numbers);
    const first = await create({ channelId, listId, template: EN });
    await waitFor('first completes', async () => (await report(first)).status === 'completed');

    await inbound({ apiKey, from: keyword, text: 'Stop' });
    const title = 'User has stopped marketing messages';
    // 131050 on a failed status (stopped) and on the send answer (refused).
    sandbox.configure({ failingNumbers: { [stopped]: { code: 131050, title, when: 'webhook' }, [refused]: { code: 131050, title, when: 'send' } } });
    try {
      // The keyword opt-out keeps the second campaign from `keyword`; `stopped` and `refused` get a 131050 for it.
      const second = await create({ channelId, listId, template: EN });
      await waitFor('second completes', async () => (await report(second)).status === 'completed');
      await waitFor('131050 applied', async () => (await report(first)).engagement.optedOut === 3);
      expect((await report(second)).engagement.optedOut).toBe(0);
    } finally {
      sandbox.configure({ failingNumbers: {} });
    }
  });

  it('refuses template and variants together, a winner without variants, and an unregistered variant template', async () => {
    const { channelId, listId } = await setup(phones(1, 3000));
    const variants = [
      { name: 'A', weight: 1, template: EN },
      { name: 'B', weight: 1, template: DE },
    ];
    const post = (fields: Record<string, unknown>) => request(engine.url).post('/v1/campaigns').set(engine.auth).send({ name: 'x', channelId, listId, ...fields });
    expect((await post({ template: EN, variants }).expect(400)).body.message).toMatch(/either template or variants/);
    expect((await post({ template: EN, winner: { metric: 'read', testShare: 20, afterHours: 4 } }).expect(400)).body.message).toMatch(/winner needs variants/);
    expect((await post({}).expect(400)).body.message).toMatch(/template is required/);
    expect((await post({ variants: [variants[0], { ...variants[1], name: 'A' }] }).expect(400)).body.message).toMatch(/used twice/);
    const unknown = await post({ variants: [variants[0], { name: 'B', weight: 1, template: { ...EN, name: 'no_such_template' } }], scheduledAt: new Date().toISOString() }).expect(422);
    expect(unknown.body.message).toMatch(/^variant B: /);
  });

  it('documents the replies route, variants, winner and the report engagement in the OpenAPI document, with examples', async () => {
    const { body: doc } = await request(engine.url).get('/docs-json').expect(200);
    expect(doc.paths['/v1/campaigns/{id}/replies'].get.security).toEqual([{ bearer: [] }]);
    const schemas = doc.components.schemas;
    expect(schemas.CreateCampaignDto.properties.variants.example).toHaveLength(2);
    expect(schemas.CreateCampaignDto.properties.winner.example).toEqual({ metric: 'clicked', testShare: 20, afterHours: 4 });
    expect(Object.keys(schemas.CampaignReportDto.properties)).toEqual(expect.arrayContaining(['engagement', 'variants']));
    expect(Object.keys(schemas.EngagementDto.properties)).toEqual(['replied', 'clicked', 'optedOut', 'replyRate', 'buttons']);
    expect(schemas.ButtonCountDto.properties.payload.example).toBe('BOOK_NOW');
  });

  it('splits 10,000 launched recipients 50/50 within 2 %, deterministically, each rendered with its own template', async () => {
    const { channelId } = await setup([]);
    const listId = await seedBulkList(engine.dataSource, 'ten thousand', 10_000, 4915300000000);
    const campaignId = await create({
      channelId,
      listId,
      sendWindow: closedSendWindow(),
      variants: [
        { name: 'A', weight: 50, template: EN },
        { name: 'B', weight: 50, template: DE },
      ],
    });
    await waitFor('launch', async () => (await engine.dataSource.query('SELECT launched_at FROM campaigns WHERE id = $1', [campaignId]))[0].launched_at !== null, 60_000);
    const split = async () =>
      ((await engine.dataSource.query('SELECT id::text, variant FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id', [campaignId])) as Array<{ id: string; variant: string }>).map(
        (row) => `${row.id}:${row.variant}`,
      );
    const before = await split();
    const counts = (await engine.dataSource.query('SELECT variant, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY variant ORDER BY variant', [
      campaignId,
    ])) as Array<{ variant: string | null; n: number }>;
    expect(counts.map((row) => row.variant)).toEqual(['A', 'B']);
    for (const row of counts) expect(Math.abs(row.n / 10_000 - 0.5)).toBeLessThanOrEqual(0.02);

    const samples = (await engine.dataSource.query(
      `SELECT DISTINCT ON (variant) variant, components, (SELECT first_name FROM contacts WHERE id = r.contact_id) AS first_name
       FROM campaign_recipients r WHERE campaign_id = $1 ORDER BY variant, id`,
      [campaignId],
    )) as Array<{ variant: string; components: unknown; first_name: string }>;
    for (const sample of samples) expect(sample.components).toEqual([body(sample.first_name)]);

    // The SQL follows the pure rule (variants.ts): each recipient's bucket gives its variant.
    const buckets = (await engine.dataSource.query(
      `SELECT variant, (((hashtextextended(campaign_id::text || ':' || contact_id::text, 0) % 10000) + 10000) % 10000)::int AS bucket
       FROM campaign_recipients WHERE campaign_id = $1`,
      [campaignId],
    )) as Array<{ variant: string; bucket: number }>;
    const bounds = variantBounds([50, 50]);
    expect(buckets.filter((row) => variantOfBucket(row.bucket, bounds, ['A', 'B'], BUCKETS) !== row.variant)).toEqual([]);

    // Deterministic: assigning again gives every recipient the same variant.
    const variants = (await engine.dataSource.query('SELECT variants FROM campaigns WHERE id = $1', [campaignId]))[0].variants;
    await engine.dataSource.transaction((manager) => engine.app.get(RecipientsRepository).assignVariants({ campaignId, channelId, variants, winner: null }, manager));
    expect(await split()).toEqual(before);
    await request(engine.url).post(`/v1/campaigns/${campaignId}/cancel`).set(engine.auth).expect(200);
  });

  it('sends the test share first and the winning variant to the rest once the injected clock passes afterHours', async () => {
    const numbers = phones(40, 5000);
    const { apiKey, channelId, listId } = await setup(numbers);
    const campaignId = await create({
      channelId,
      listId,
      variants: [
        { name: 'A', weight: 1, template: EN },
        { name: 'B', weight: 1, template: DE },
      ],
      winner: { metric: 'clicked', testShare: 50, afterHours: 4 },
    });
    const rows = async () =>
      (await engine.dataSource.query('SELECT wa_id, variant, status, waiting_reason, message_id FROM campaign_recipients WHERE campaign_id = $1', [campaignId])) as Array<{
        wa_id: string;
        variant: string | null;
        status: string;
        waiting_reason: string | null;
        message_id: string | null;
      }>;
    const tested = await waitFor('the test share read', async () => {
      const current = await rows();
      const test = current.filter((row) => row.variant !== null);
      return current.length === 40 && test.length > 0 && test.every((row) => row.status === 'read') ? current : null;
    });
    const held = tested.filter((row) => row.variant === null);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((row) => row.status === 'pending' && row.waiting_reason === 'ab_test')).toBe(true);
    for (const row of held) expect(sandbox.acceptedFor(row.wa_id)).toBe(0);
    expect((await report(campaignId)).waiting).toEqual([{ reason: 'ab_test', count: held.length, nextAttemptAt: expect.any(String) }]);

    const clicker = tested.find((row) => row.variant === 'B')!;
    await inbound({ apiKey, from: clicker.wa_id, button: { payload: 'BOOK', text: 'Book' }, context: clicker.message_id });
    await waitFor('the click', async () => (await report(campaignId)).variants.find((variant) => variant.name === 'B')?.engagement.clicked === 1);

    const scheduler = engine.app.get(CampaignScheduler);
    expect(await scheduler.pickWinner(new Date(Date.now() + 3 * 3_600_000))).toBe(false);
    expect(await scheduler.pickWinner(new Date(Date.now() + 5 * 3_600_000))).toBe(true);

    await waitFor('completion', async () => (await report(campaignId)).status === 'completed', 30_000);
    const final = await report(campaignId);
    expect(final.abTest).toEqual({ winnerVariant: 'B', winnerPickedAt: expect.any(String) });
    const after = await rows();
    for (const row of held) {
      expect(after.find((candidate) => candidate.wa_id === row.wa_id)?.variant).toBe('B');
      const [message] = sandbox.recentMessages({ to: row.wa_id });
      expect([message.template, message.language]).toEqual(['spring_sale', 'de']);
    }
    const b = final.variants.find((variant) => variant.name === 'B')!;
    expect(b.total).toBe(tested.filter((row) => row.variant === 'B').length + held.length);
    expect(final.variants.reduce((sum, variant) => sum + variant.total, 0)).toBe(40);
  });
  it('an A/B test of a MARKETING and a UTILITY template: endpoint, frequency ledger and marketing opt-outs follow each recipient\'s variant (integration)', async () => {
    const numbers = phones(24, 7000);
    const { channelId, listId } = await setup(numbers);
    await request(engine.url).patch(`/v1/channels/${channelId}`).set(engine.auth).send({ marketingMessagesApi: true }).expect(200);
    const UTILITY = { name: 'order_update', language: 'en', components: [body('{{first_name|A-1}}')] };
    const draft = await request(engine.url)
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Per variant', channelId, listId, frequencyCap: { max: 5, hours: 24 }, variants: [{ name: 'A', weight: 50, template: EN }, { name: 'B', weight: 50, template: UTILITY }] })
      .expect(201);
    const campaignId = draft.body.id as string;
    // Which variant each contact will get (variants.ts: the bucket of campaign and contact), before the launch.
    const buckets = (await engine.dataSource.query(
      `SELECT c.wa_id, (((hashtextextended($1::text || ':' || c.id::text, 0) % 10000) + 10000) % 10000)::int AS bucket
       FROM contacts c JOIN list_members m ON m.contact_id = c.id WHERE m.list_id = $2`,
      [campaignId, listId],
    )) as Array<{ wa_id: string; bucket: number }>;
    const bounds = variantBounds([50, 50]);
    const variantOf = new Map(buckets.map((row) => [row.wa_id, variantOfBucket(row.bucket, bounds, ['A', 'B'], BUCKETS)]));
    const inA = [...variantOf].filter(([, variant]) => variant === 'A').map(([wa]) => wa);
    const inB = [...variantOf].filter(([, variant]) => variant === 'B').map(([wa]) => wa);
    expect(inA.length).toBeGreaterThan(1);
    expect(inB.length).toBeGreaterThan(1);
    // One contact of each variant stopped marketing messages.
    const stopped = [inA[0], inB[0]];
    await engine.dataSource.query('UPDATE contacts SET marketing_opted_out_at = now() WHERE wa_id = ANY($1)', [stopped]);
    await request(engine.url).post(`/v1/campaigns/${campaignId}/schedule`).set(engine.auth).send({}).expect(200);
    await waitFor('completed', async () => (await report(campaignId)).status === 'completed', 60_000);

    const rows = (await engine.dataSource.query(
      `SELECT r.wa_id, r.variant, r.status, r.skip_reason, EXISTS (SELECT 1 FROM frequency_ledger f WHERE f.recipient_id = r.id) AS counted
       FROM campaign_recipients r WHERE r.campaign_id = $1`,
      [campaignId],
    )) as Array<{ wa_id: string; variant: string; status: string; skip_reason: string | null; counted: boolean }>;
    const byWa = new Map(rows.map((row) => [row.wa_id, row]));
    // The MARKETING variant's stopped contact is skipped; the UTILITY variant's one still gets its message.
    expect(byWa.get(inA[0])).toMatchObject({ variant: 'A', status: 'skipped', skip_reason: 'marketing_opted_out', counted: false });
    expect(byWa.get(inB[0])).toMatchObject({ variant: 'B', skip_reason: null, counted: false });
    expect(byWa.get(inB[0])!.status).not.toBe('skipped');
    for (const wa of inA.slice(1)) {
      expect(byWa.get(wa)).toMatchObject({ variant: 'A', counted: true });
      expect(sandbox.recentMessages({ to: wa }).map((message) => message.endpoint)).toEqual(['marketing_messages']);
    }
    for (const wa of inB) {
      expect(byWa.get(wa)).toMatchObject({ variant: 'B', counted: false });
      expect(sandbox.recentMessages({ to: wa }).map((message) => message.endpoint)).toEqual(['messages']);
    }
    expect(rows.filter((row) => row.status === 'failed')).toEqual([]);
  });
});
