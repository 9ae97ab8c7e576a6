import request from 'supertest';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { closedSendWindow, createChannel, recipientStatuses, seedList, waitFor } from './fixtures.js';

const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('campaigns (lifecycle, validation, launch)', () => {
  let engine: TestApp;
  let channelId: string;
  let listId: string;

  beforeAll(async () => {
    // The sender is off: these tests are about the lifecycle and the frozen audience, not sending.
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
    ({ id: channelId } = await createChannel(engine, { name: 'Main', phoneNumber: '+4930123456', apiKey: 'key-cloud-0001', apiGeneration: 'cloud', baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false }));
    ({ listId } = await seedList(engine.dataSource, 'customers', [
      { phone: '+4915100000001', firstName: 'Maria', attributes: { code: 'A1' } },
      { phone: '+4915100000002', firstName: null, attributes: {} },
      { phone: '+4915100000003', firstName: 'Opted Out', optedOut: true },
      { phone: '+4915100000004', firstName: 'Never opted in', optedIn: false },
    ]));
  });
  afterAll(() => engine.close());

  const api = () => request(engine.url);
  // The channel's baseUrl answers nothing: the template pre-flight is skipped explicitly (templates e2e specs cover it).
  const create = (body: Record<string, unknown>) => api().post('/v1/campaigns').set(engine.auth).send({ name: 'Spring', channelId, listId, template, skipTemplateCheck: true, ...body });
  const act = (id: string, action: string, body: Record<string, unknown> = {}) => api().post(`/v1/campaigns/${id}/${action}`).set(engine.auth).send(body);

  it('creates a draft without scheduledAt and a scheduled campaign with it', async () => {
    const draft = await create({}).expect(201);
    expect(draft.body).toMatchObject({ status: 'draft', scheduledAt: null, channelId, listId, template: { name: 'spring_sale' } });
    const scheduled = await create({ scheduledAt: inAnHour() }).expect(201);
    expect(scheduled.body.status).toBe('scheduled');
    const fetched = await api().get(`/v1/campaigns/${scheduled.body.id}`).set(engine.auth).expect(200);
    expect(fetched.body.id).toBe(scheduled.body.id);
    const list = await api().get('/v1/campaigns?limit=1').set(engine.auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const next = await api().get(`/v1/campaigns?limit=1&cursor=${list.body.nextCursor}`).set(engine.auth).expect(200);
    expect(next.body.items[0].id).not.toBe(list.body.items[0].id);
  });

  it.each([
    [{ channelId: '00000000-0000-4000-8000-000000000000' }, /channelId: no channel/],
    [{ listId: '00000000-0000-4000-8000-000000000000' }, /listId: no list/],
    [{ channelId: 'nope' }, /channelId must be a channel id/],
    [{ template: { ...template, components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first name}}' }] }] } }, /template\.components: .*placeholder/],
    [{ template: { ...template, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Hi {{first_name' }] }] } }, /unbalanced/],
    [{ sendWindow: { start: '10:00', end: '10:00', timezone: 'Europe/Berlin' } }, /sendWindow is empty/],
    [{ sendWindow: { start: '10:00', end: '12:00', timezone: 'Nowhere/City' } }, /sendWindow.timezone/],
    [{ scheduledAt: '2020-01-01T09:00:00+01:00' }, /scheduledAt .* is in the past/],
    [{ scheduledAt: '2030-01-01T09:00:00' }, /scheduledAt must be an ISO 8601 timestamp with an offset/],
    [{ surprise: true }, /property surprise should not exist/],
    [{ template: { ...template, name: '' } }, /template.name/],
  ])('refuses %p with a message naming the field', async (override, message) => {
    const response = await create(override).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toMatch(message);
  });

  it('answers 404 for an unknown campaign, 400 for a malformed id, 401 without the token', async () => {
    await api().get('/v1/campaigns/00000000-0000-4000-8000-000000000000').set(engine.auth).expect(404);
    await api().get('/v1/campaigns/xyz').set(engine.auth).expect(400);
    await api().get('/v1/campaigns').expect(401);
    await api().post('/v1/campaigns').set({ Authorization: 'Bearer wrong-token-value' }).send({}).expect(401);
  });

  it('walks draft → scheduled → paused → scheduled (time still ahead) → cancelled, and 409s the rest', async () => {
    const { body: draft } = await create({}).expect(201);
    for (const action of ['pause', 'resume', 'retry-failed']) {
      const refused = await act(draft.id, action).expect(409);
      expect(refused.body.message).toContain('is draft');
    }
    const scheduled = await act(draft.id, 'schedule', { scheduledAt: inAnHour() }).expect(200);
    expect(scheduled.body.status).toBe('scheduled');
    await act(draft.id, 'schedule', { scheduledAt: inAnHour() }).expect(200);
    expect((await act(draft.id, 'pause').expect(200)).body.status).toBe('paused');
    await act(draft.id, 'pause').expect(409);
    await act(draft.id, 'schedule').expect(409);
    expect((await act(draft.id, 'resume').expect(200)).body.status).toBe('scheduled');
    expect((await act(draft.id, 'cancel').expect(200)).body.status).toBe('cancelled');
    for (const action of ['schedule', 'pause', 'resume', 'cancel', 'retry-failed']) {
      const refused = await act(draft.id, action).expect(409);
      expect(refused.body.message).toContain('is cancelled');
    }
    await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ name: 'x' }).expect(409);
  });

  it('edits a draft and refuses a bad edit', async () => {
    const { body: draft } = await create({}).expect(201);
    const edited = await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ name: 'Renamed', sendWindow: { start: '09:00', end: '20:00', timezone: 'Europe/Berlin' } }).expect(200);
    expect(edited.body).toMatchObject({ name: 'Renamed', sendWindow: { start: '09:00', end: '20:00', timezone: 'Europe/Berlin' } });
    await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ status: 'running' }).expect(400);
  });

  it('launches when due: freezes the audience once, with rendered parameters and skip reasons', async () => {
    const { body: campaign } = await create({
      template: { name: 'codes', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Hi {{first_name|there}}' }, { type: 'text', text: '{{code}}' }] }] },
      scheduledAt: new Date().toISOString(),
    }).expect(201);
    await waitFor('launch', async () => (await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth)).body.status === 'running');
    const recipients = (await engine.dataSource.query(
      'SELECT phone, status, skip_reason, components FROM campaign_recipients WHERE campaign_id = $1 ORDER BY phone',
      [campaign.id],
    )) as Array<{ phone: string; status: string; skip_reason: string | null; components: unknown }>;
    expect(recipients.map(({ phone, status, skip_reason }) => [phone, status, skip_reason])).toEqual([
      ['+4915100000001', 'pending', null],
      ['+4915100000002', 'skipped', 'missing_parameter:code'],
      ['+4915100000003', 'skipped', 'opted_out'],
      ['+4915100000004', 'skipped', 'not_opted_in'],
    ]);
    expect(recipients[0].components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'Hi Maria' }, { type: 'text', text: 'A1' }] }]);

    // A contact added after launch is not part of the campaign.
    await seedList(engine.dataSource, 'other', []);
    const [late] = (await engine.dataSource.query(
      `INSERT INTO contacts (phone, wa_id, opted_in_at) VALUES ('+4915100000099', '4915100000099', now()) RETURNING id`,
    )) as Array<{ id: string }>;
    await engine.dataSource.query('INSERT INTO list_members (list_id, contact_id) VALUES ($1, $2)', [listId, late.id]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(Object.values(await recipientStatuses(engine.dataSource, campaign.id)).reduce((a, b) => a + b, 0)).toBe(4);

    // cancel: pending recipients become cancelled (that they are never sent later is checked with the sender on, below).
    expect((await act(campaign.id, 'cancel').expect(200)).body.status).toBe('cancelled');
    expect(await recipientStatuses(engine.dataSource, campaign.id)).toEqual({ cancelled: 1, skipped: 3 });
  });

  it('retry-failed on a campaign paused before launch keeps it scheduled for its time', async () => {
    const { body: campaign } = await create({ scheduledAt: inAnHour() }).expect(201);
    await act(campaign.id, 'pause').expect(200);
    expect((await act(campaign.id, 'retry-failed').expect(200)).body.status).toBe('scheduled');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const [row] = (await engine.dataSource.query('SELECT status, launched_at FROM campaigns WHERE id = $1', [campaign.id])) as Array<{ status: string; launched_at: Date | null }>;
    expect(row).toEqual({ status: 'scheduled', launched_at: null });
    await act(campaign.id, 'cancel').expect(200);
  });

  it('a campaign that cannot launch fails with its reason shown, and does not hold up the others', async () => {
    const { body: broken } = await create({ scheduledAt: new Date(Date.now() + 1500).toISOString() }).expect(201);
    // A stored template that no longer renders (written around the API's validation): its launch throws every time.
    await engine.dataSource.query(
      `UPDATE campaigns SET template = jsonb_set(template, '{components,0,parameters,0,text}', '"{{first name}}"'), scheduled_at = now() - interval '1 minute' WHERE id = $1`,
      [broken.id],
    );
    const { body: healthy } = await create({ scheduledAt: new Date().toISOString() }).expect(201);
    await waitFor('the healthy campaign launches', async () => (await api().get(`/v1/campaigns/${healthy.id}`).set(engine.auth)).body.status === 'running');
    const failed = await waitFor('the broken campaign fails', async () => {
      const { body } = await api().get(`/v1/campaigns/${broken.id}`).set(engine.auth);
      return body.status === 'failed' ? (body as { failureReason: string | null }) : null;
    });
    expect(failed.failureReason).toMatch(/could not be launched: .*\{\{first name\}\}/);
    const report = await api().get(`/v1/campaigns/${broken.id}/report`).set(engine.auth).expect(200);
    expect(report.body).toMatchObject({ status: 'failed', failureReason: failed.failureReason });
    await act(healthy.id, 'cancel').expect(200);
  });

  it('a campaign on a paused channel is paused with the channel named, not left running; resume answers 409 until the channel is back', async () => {
    const { id: pausedChannel } = await createChannel(engine, {
      name: 'Suspended number',
      phoneNumber: '+4930999999',
      apiKey: 'key-cloud-0002',
      apiGeneration: 'cloud',
      baseUrl: 'http://127.0.0.1:9',
      verifyPhoneNumber: false,
    });
    await api().patch(`/v1/channels/${pausedChannel}`).set(engine.auth).send({ pausedReason: 'channel unusable: HTTP 401: Invalid api key' }).expect(200);
    const { body: campaign } = await create({ channelId: pausedChannel, scheduledAt: new Date().toISOString() }).expect(201);
    const paused = await waitFor('paused', async () => {
      const { body } = await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth);
      return body.status === 'paused' ? (body as { pausedReason: string; launchedAt: string | null }) : null;
    });
    expect(paused.pausedReason).toBe('channel "Suspended number" is paused: channel unusable: HTTP 401: Invalid api key');
    expect(paused.launchedAt).toBeNull();
    const report = await api().get(`/v1/campaigns/${campaign.id}/report`).set(engine.auth).expect(200);
    expect(report.body).toMatchObject({ status: 'paused', pausedReason: paused.pausedReason });

    for (const action of ['resume', 'retry-failed']) {
      const refused = await act(campaign.id, action).expect(409);
      expect(refused.body.message).toContain(`channel "Suspended number" (${pausedChannel}) is paused: channel unusable: HTTP 401`);
    }
    expect((await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth)).body.status).toBe('paused');

    await api().patch(`/v1/channels/${pausedChannel}`).set(engine.auth).send({ pausedReason: null }).expect(200);
    expect((await act(campaign.id, 'resume').expect(200)).body).toMatchObject({ status: 'running', pausedReason: null });
    await waitFor('launch', async () => (await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth)).body.launchedAt !== null);
    await act(campaign.id, 'cancel').expect(200);
  });

  it('resumes a campaign paused before launch whose time has passed straight to running, and launches it', async () => {
    const { body: campaign } = await create({ scheduledAt: inAnHour() }).expect(201);
    await act(campaign.id, 'pause').expect(200);
    await engine.dataSource.query(`UPDATE campaigns SET scheduled_at = now() - interval '1 minute' WHERE id = $1`, [campaign.id]);
    expect((await act(campaign.id, 'resume').expect(200)).body.status).toBe('running');
    await waitFor('launch', async () => {
      const [row] = (await engine.dataSource.query('SELECT launched_at FROM campaigns WHERE id = $1', [campaign.id])) as Array<{ launched_at: Date | null }>;
      return row.launched_at !== null;
    });
  });

  it('lists campaigns created in the same millisecond each exactly once when paging past them', async () => {
    // Five campaigns in one millisecond: two at the very same microsecond, three a few microseconds apart.
    const times = ['2001-02-03T04:05:06.789000Z', '2001-02-03T04:05:06.789000Z', '2001-02-03T04:05:06.789001Z', '2001-02-03T04:05:06.789500Z', '2001-02-03T04:05:06.789999Z'];
    const ids: string[] = [];
    for (const time of times) {
      const { body } = await create({ name: `Same millisecond ${ids.length}` }).expect(201);
      await engine.dataSource.query(`UPDATE campaigns SET created_at = $2::timestamptz WHERE id = $1`, [body.id, time]);
      ids.push(body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: request.Response = await api()
        .get('/v1/campaigns')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(engine.auth)
        .expect(200);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item: { id: string }) => item.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 200);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    const [{ count }] = await engine.dataSource.query(`SELECT count(*)::int AS count FROM campaigns`);
    expect(seen).toHaveLength(count);
  });

  it.each([
    ['an impossible date', `k1:Tue, 31 Feb 2020|00000000-0000-4000-8000-000000000000`],
    ['an impossible ISO date', `k1:2020-02-31T00:00:00.000Z|00000000-0000-4000-8000-000000000000`],
    ['an id that is not a uuid', `k1:2020-01-01T00:00:00.000Z|not-a-uuid`],
    ['a cursor of another listing', `ch1:2020-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000`],
  ])('answers a tampered cursor (%s) with 400, not 500', async (_name, text) => {
    const cursor = Buffer.from(text, 'utf8').toString('base64url');
    const response = await api().get('/v1/campaigns').query({ cursor }).set(engine.auth).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toMatch(/cursor/);
  });
});

describe('campaigns with the sender on (against the sandbox)', () => {
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp();
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  const api = () => request(engine.url);
  const status = async (id: string) => (await api().get(`/v1/campaigns/${id}`).set(engine.auth)).body.status as string;

  it('cancel: recipients not sent yet are never sent later, even once they would be due', async () => {
    sandbox.addKey('cancel-key-0001', 'cloud');
    const { id: channelId } = await createChannel(engine, {
      name: 'Sandbox',
      phoneNumber: '+4930123456',
      apiKey: 'cancel-key-0001',
      apiGeneration: 'cloud',
      baseUrl: sandbox.url,
      messagesPerSecond: 50,
    });
    const phones = ['+4915120000001', '+4915120000002', '+4915120000003'];
    const { listId } = await seedList(engine.dataSource, 'cancel', phones.map((phone) => ({ phone, firstName: 'Maria' })));
    const closed = closedSendWindow();
    const { body: campaign } = await api()
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Cancelled', channelId, listId, template, scheduledAt: new Date().toISOString(), sendWindow: closed })
      .expect(201);
    await waitFor('launch', async () => (await status(campaign.id)) === 'running');
    expect((await api().post(`/v1/campaigns/${campaign.id}/cancel`).set(engine.auth).expect(200)).body.status).toBe('cancelled');
    // The window opens: every recipient would be due now, and the sender is running.
    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = $1', [campaign.id]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sandbox.stats().accepted).toBe(0);
    expect(await recipientStatuses(engine.dataSource, campaign.id)).toEqual({ cancelled: 3 });
    expect(await status(campaign.id)).toBe('cancelled');

    // The same engine does send a campaign that is not cancelled (the check above could fail).
    const { body: control } = await api()
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Control', channelId, listId, template, scheduledAt: new Date().toISOString() })
      .expect(201);
    await waitFor('control completes', async () => (await status(control.id)) === 'completed');
    expect(sandbox.stats().accepted).toBe(3);
  });

  it('walks running → paused → running → completed → running (retry-failed), and 409s the rest with the current status', async () => {
    sandbox.addKey('walk-key-0001', 'cloud');
    const { id: channelId } = await createChannel(engine, {
      name: 'Walk',
      phoneNumber: '+4930123456',
      apiKey: 'walk-key-0001',
      apiGeneration: 'cloud',
      baseUrl: sandbox.url,
      messagesPerSecond: 50,
    });
    const { listId } = await seedList(engine.dataSource, 'walk', [{ phone: '+4915120000011', firstName: 'Ada' }]);
    const act = (id: string, action: string, body: Record<string, unknown> = {}) => api().post(`/v1/campaigns/${id}/${action}`).set(engine.auth).send(body);
    const refuses = async (id: string, actions: string[], current: string) => {
      for (const action of actions) {
        const body = action === 'schedule' ? { scheduledAt: new Date(Date.now() + 3600_000).toISOString() } : {};
        const refused = await act(id, action, body).expect(409);
        expect(refused.body.message).toContain(`is ${current}`);
      }
    };
    // A window that is closed now keeps the launched campaign running without sending.
    const closed = closedSendWindow();
    const { body: campaign } = await api()
      .post('/v1/campaigns')
      .set(engine.auth)
      .send({ name: 'Walk', channelId, listId, template, scheduledAt: new Date().toISOString(), sendWindow: closed })
      .expect(201);
    await waitFor('launch', async () => (await status(campaign.id)) === 'running');
    await refuses(campaign.id, ['schedule', 'resume'], 'running');
    expect((await act(campaign.id, 'pause').expect(200)).body.status).toBe('paused');
    await refuses(campaign.id, ['schedule', 'pause'], 'paused');
    expect((await act(campaign.id, 'resume').expect(200)).body.status).toBe('running');

    await engine.dataSource.query('UPDATE campaigns SET send_window = NULL WHERE id = $1', [campaign.id]);
    await waitFor('completion', async () => (await status(campaign.id)) === 'completed');
    await refuses(campaign.id, ['schedule', 'pause', 'resume', 'cancel'], 'completed');
    // retry-failed is allowed from completed: with nothing retryable it runs and completes again.
    expect((await act(campaign.id, 'retry-failed').expect(200)).body.status).toBe('running');
    await waitFor('completed again', async () => (await status(campaign.id)) === 'completed');
    expect(sandbox.acceptedFor('4915120000011')).toBe(1);
  });
});
