import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { type AudienceContact, createList, insertContacts, setRecipientOutcomes } from './audience-fixtures.js';
import { createChannel, waitFor } from './fixtures.js';

const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };

describe('audiences (lists, exclusions, where clauses, retargeting, segments, preview)', () => {
  let engine: TestApp;
  let channelId: string;
  let list1: string;
  let list2: string;
  let list3: string;
  let excluded: string;

  beforeAll(async () => {
    // No sending: these tests are about who is frozen into a campaign at launch.
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
    ({ id: channelId } = await createChannel(engine, { name: 'Main', phoneNumber: '+4930123456', apiKey: 'key-cloud-0001', apiGeneration: 'cloud', baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false }));
    const ds = engine.dataSource;
    [list1, list2, list3, excluded] = [await createList(ds, 'one'), await createList(ds, 'two'), await createList(ds, 'three'), await createList(ds, 'do not contact')];
    const berlin = { city: 'Berlin' };
    const contacts: AudienceContact[] = [
      { phone: '+4915100000001', firstName: 'In list one', country: 'DE', attributes: berlin, lists: [list1] },
      { phone: '+4915100000002', firstName: 'In list two', country: 'DE', attributes: berlin, optedInAt: '2026-03-01T10:00:00Z', lists: [list2] },
      { phone: '+4315100000003', firstName: 'In both lists', country: 'AT', attributes: berlin, lists: [list1, list2] },
      { phone: '+4915100000004', firstName: 'Munich', country: 'DE', attributes: { city: 'Munich' }, lists: [list1] },
      { phone: '+4915100000005', firstName: 'Opted in 2025', country: 'DE', attributes: berlin, optedInAt: '2025-06-01T00:00:00Z', lists: [list2] },
      { phone: '+4915100000006', firstName: 'Excluded', country: 'DE', attributes: berlin, lists: [list1, excluded] },
      { phone: '+4915100000007', firstName: 'Only list three', country: 'DE', attributes: berlin, lists: [list3] },
      { phone: '+4915100000008', firstName: 'Opted out', country: 'DE', attributes: berlin, optedOut: true, lists: [list1] },
      { phone: '+4915100000009', firstName: 'No city', country: 'DE', attributes: {}, lists: [list1] },
    ];
    await insertContacts(ds, contacts);
  });
  afterAll(() => engine.close());

  const api = () => request(engine.url);
  const createCampaign = (body: Record<string, unknown>) =>
    api().post('/v1/campaigns').set(engine.auth).send({ name: 'Audience', channelId, template, skipTemplateCheck: true, ...body });
  const preview = (audience: unknown) => api().post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience });
  const launched = async (campaignId: string) => {
    await waitFor('launch', async () => (await api().get(`/v1/campaigns/${campaignId}`).set(engine.auth)).body.launchedAt !== null);
    return (await engine.dataSource.query('SELECT phone, status, skip_reason FROM campaign_recipients WHERE campaign_id = $1 ORDER BY phone', [campaignId])) as Array<{
      phone: string;
      status: string;
      skip_reason: string | null;
    }>;
  };
  const twoListsMinusExclusion = () => ({
    listIds: [list1, list2],
    excludeListIds: [excluded],
    where: [
      { field: 'city', op: 'eq', value: 'Berlin' },
      { field: 'opted_in_at', op: 'after', value: '2026-01-01' },
    ],
  });

  it('launches two lists minus an exclusion list with two where clauses exactly, and the preview counts what the launch creates', async () => {
    const audience = twoListsMinusExclusion();
    const { body: before } = await preview(audience).expect(200);
    expect(before).toEqual({
      count: 3,
      excluded: { optedOut: 1, frequencyCap: 0 },
      byCountry: [
        { country: 'DE', count: 2 },
        { country: 'AT', count: 1 },
      ],
      sample: [
        expect.objectContaining({ phone: '+4915100000001', firstName: 'In list one', country: 'DE' }),
        expect.objectContaining({ phone: '+4915100000002' }),
        expect.objectContaining({ phone: '+4315100000003' }),
      ],
    });

    const { body: campaign } = await createCampaign({ audience, scheduledAt: new Date().toISOString() }).expect(201);
    // Stored normalised: a date alone is midnight UTC.
    expect(campaign).toMatchObject({ listId: null, audience: { ...audience, where: [audience.where[0], { ...audience.where[1], value: '2026-01-01T00:00:00Z' }] } });
    const recipients = await launched(campaign.id);
    expect(recipients.map(({ phone, status, skip_reason }) => [phone, status, skip_reason])).toEqual([
      ['+4315100000003', 'pending', null],
      ['+4915100000001', 'pending', null],
      ['+4915100000002', 'pending', null],
      ['+4915100000008', 'skipped', 'opted_out'],
    ]);
    const { body: report } = await api().get(`/v1/campaigns/${campaign.id}/report`).set(engine.auth).expect(200);
    expect(report.counts.pending).toBe(before.count);
    expect(report.total).toBe(before.count + before.excluded.optedOut);
  });

  it('keeps listId as the shorthand for one list, through the same SQL', async () => {
    const { body: campaign } = await createCampaign({ listId: list2, scheduledAt: new Date().toISOString() }).expect(201);
    expect(campaign).toMatchObject({ listId: list2, audience: null });
    expect((await launched(campaign.id)).map((r) => r.phone)).toEqual(['+4315100000003', '+4915100000002', '+4915100000005']);
    expect((await preview({ listIds: [list2] }).expect(200)).body.count).toBe(3);
  });

  it('retargets a completed campaign: exactly its recipients that did not read, then narrows by reply and button', async () => {
    const { body: source } = await createCampaign({ listId: list1, scheduledAt: new Date().toISOString() }).expect(201);
    expect((await launched(source.id)).filter((r) => r.status === 'pending').map((r) => r.phone)).toEqual([
      '+4315100000003',
      '+4915100000001',
      '+4915100000004',
      '+4915100000006',
      '+4915100000009',
    ]);
    await setRecipientOutcomes(engine.dataSource, source.id, {
      '+4315100000003': { status: 'read', replied: true, clickedButton: 'Yes' },
      '+4915100000001': { status: 'delivered' },
      '+4915100000004': { status: 'sent' },
      '+4915100000006': { status: 'failed' },
      '+4915100000009': { status: 'delivered', replied: true, clickedButton: 'Stop' },
    });
    // The scheduler completes it from the counters: nothing pending any more.
    await waitFor('completion', async () => (await api().get(`/v1/campaigns/${source.id}`).set(engine.auth)).body.status === 'completed');

    const notRead = { fromCampaign: { campaignId: source.id, statuses: ['sent', 'delivered'] } };
    const { body: retarget } = await createCampaign({ audience: notRead, scheduledAt: new Date().toISOString() }).expect(201);
    const recipients = await launched(retarget.id);
    expect(recipients.map((r) => [r.phone, r.status])).toEqual([
      ['+4915100000001', 'pending'],
      ['+4915100000004', 'pending'],
      ['+4915100000009', 'pending'],
    ]);
    expect((await preview(notRead).expect(200)).body.count).toBe(3);

    const phones = async (audience: unknown) => ((await preview(audience).expect(200)).body.sample as Array<{ phone: string }>).map((c) => c.phone);
    expect(await phones({ fromCampaign: { ...notRead.fromCampaign, replied: false } })).toEqual(['+4915100000001', '+4915100000004']);
    expect(await phones({ fromCampaign: { campaignId: source.id, replied: true } })).toEqual(['+4315100000003', '+4915100000009']);
    expect(await phones({ fromCampaign: { campaignId: source.id, clickedButton: 'Yes' } })).toEqual(['+4315100000003']);
    // Retargeting combines with the rest: not read, and in Berlin.
    expect(await phones({ ...notRead, where: [{ field: 'city', op: 'eq', value: 'Berlin' }] })).toEqual(['+4915100000001']);
  });

  it('saves a segment, lists and reads it, and launches a campaign on it narrowed further', async () => {
    const berliners = { listIds: [list1, list2], where: [{ field: 'city', op: 'eq', value: 'Berlin' }] };
    const { body: segment } = await api().post('/v1/segments').set(engine.auth).send({ name: 'Berliners', audience: berliners }).expect(201);
    expect(segment).toMatchObject({ id: expect.any(String), name: 'Berliners', audience: berliners });
    expect((await api().get(`/v1/segments/${segment.id}`).set(engine.auth).expect(200)).body).toEqual(segment);
    const { body: page } = await api().get('/v1/segments').set(engine.auth).expect(200);
    expect(page.items.map((s: { id: string }) => s.id)).toContain(segment.id);
    const taken = await api().post('/v1/segments').set(engine.auth).send({ name: 'Berliners', audience: berliners }).expect(409);
    expect(taken.body.message).toMatch(/name: a segment named "Berliners" exists already/);
    const nested = await api().post('/v1/segments').set(engine.auth).send({ name: 'Nested', audience: { segmentId: segment.id } }).expect(400);
    expect(nested.body.message).toMatch(/audience\.segmentId: a saved segment cannot name another segment/);

    const audience = { segmentId: segment.id, excludeListIds: [excluded] };
    expect((await preview(audience).expect(200)).body).toMatchObject({ count: 4, excluded: { optedOut: 1 } });
    const { body: draft } = await createCampaign({ audience }).expect(201);
    // A campaign not launched yet needs the segment: it cannot be deleted under it.
    const refused = await api().delete(`/v1/segments/${segment.id}`).set(engine.auth).expect(409);
    expect(refused.body).toMatchObject({ campaignIds: [draft.id] });
    await api().post(`/v1/campaigns/${draft.id}/schedule`).set(engine.auth).send({}).expect(200);
    expect((await launched(draft.id)).map((r) => [r.phone, r.status])).toEqual([
      ['+4315100000003', 'pending'],
      ['+4915100000001', 'pending'],
      ['+4915100000002', 'pending'],
      ['+4915100000005', 'pending'],
      ['+4915100000008', 'skipped'],
    ]);
    await api().delete(`/v1/segments/${segment.id}`).set(engine.auth).expect(204);
    await api().get(`/v1/segments/${segment.id}`).set(engine.auth).expect(404);
    await api().delete(`/v1/segments/${segment.id}`).set(engine.auth).expect(404);
  });

  it('counts marketing opt-outs by the template the preview names, as the launch does', async () => {
    await engine.dataSource.query(
      `INSERT INTO contacts (phone, wa_id, first_name, opted_in_at, marketing_opted_out_at) VALUES ('+4915100000010', '4915100000010', 'No ads', now(), now())`,
    );
    const list = await createList(engine.dataSource, 'marketing check');
    await engine.dataSource.query('INSERT INTO list_members (list_id, contact_id) SELECT $1, id FROM contacts WHERE phone IN ($2, $3)', [list, '+4915100000010', '+4915100000007']);
    await engine.dataSource.query(
      `INSERT INTO templates (channel_id, name, language, status, category, synced_at) VALUES ($1, 'order_update', 'en', 'APPROVED', 'UTILITY', now())`,
      [channelId],
    );
    const utility = { name: 'order_update', language: 'en' };
    const withTemplate = (t?: { name: string; language: string }) =>
      api().post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience: { listIds: [list] }, ...(t ? { template: t } : {}) }).expect(200);
    expect((await withTemplate()).body).toMatchObject({ count: 1, excluded: { optedOut: 1 } });
    expect((await withTemplate({ name: 'spring_sale', language: 'en' })).body).toMatchObject({ count: 1, excluded: { optedOut: 1 } });
    const { body: forUtility } = await withTemplate(utility);
    expect(forUtility).toMatchObject({ count: 2, excluded: { optedOut: 0 } });

    const { body: campaign } = await createCampaign({ listId: list, template: { ...template, ...utility }, scheduledAt: new Date().toISOString() }).expect(201);
    const recipients = await launched(campaign.id);
    expect(recipients.filter((r) => r.status === 'pending')).toHaveLength(forUtility.count);
    expect(recipients.map((r) => [r.phone, r.status])).toContainEqual(['+4915100000010', 'pending']);
  });

  it('fails a campaign whose segment disappeared before its launch, with the reason', async () => {
    const { body: segment } = await api().post('/v1/segments').set(engine.auth).send({ name: 'Short-lived', audience: { listIds: [list1] } }).expect(201);
    const { body: draft } = await createCampaign({ audience: { segmentId: segment.id } }).expect(201);
    // As if the delete raced the campaign's creation (the API refuses it while the campaign waits).
    await engine.dataSource.query('DELETE FROM segments WHERE id = $1', [segment.id]);
    await api().post(`/v1/campaigns/${draft.id}/schedule`).set(engine.auth).send({}).expect(200);
    const failed = await waitFor('failure', async () => {
      const { body } = await api().get(`/v1/campaigns/${draft.id}`).set(engine.auth);
      return body.status === 'failed' ? body : undefined;
    });
    expect(failed.failureReason).toMatch(new RegExp(`audience\\.segmentId: segment ${segment.id} no longer exists`));
    expect((await engine.dataSource.query('SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1', [draft.id]))[0].n).toBe(0);
  });

  it.each([
    [{ audience: { listIds: ['x'] } }, /audience\.listIds\[0\] must be a list id/],
    [{ audience: { listIds: ['00000000-0000-4000-8000-000000000000'] } }, /audience\.listIds\[0\]: no list with id 00000000-0000-4000-8000-000000000000/],
    [{ audience: { listIds: 'L', where: [] } }, /audience\.listIds must be an array/],
    [() => ({ audience: { listIds: [list1], where: [{ field: 'city', op: 'eq', value: 'x' }, { field: 'city', op: 'startsWith', value: 'B' }] } }), /audience\.where\[1\]\.op must be one of/],
    [() => ({ audience: { listIds: [list1], where: [{ field: 'opted_in_at', op: 'after', value: 'yesterday' }] } }), /audience\.where\[0\]\.value must be an ISO 8601 date/],
    [() => ({ audience: { listIds: [list1], where: [{ field: 'Bad Field', op: 'eq', value: 'x' }] } }), /audience\.where\[0\]\.field must be a contact column/],
    [() => ({ audience: { fromCampaign: { campaignId: '00000000-0000-4000-8000-000000000000' } } }), /audience\.fromCampaign\.campaignId: no campaign with id/],
    [() => ({ audience: { segmentId: '00000000-0000-4000-8000-000000000000' } }), /audience\.segmentId: no segment with id/],
    [() => ({ listId: list1, audience: { listIds: [list1] } }), /give listId or audience, not both/],
    [{}, /listId or audience is required/],
  ])('refuses a bad audience on a campaign with a 400 naming the clause (%#)', async (override, message) => {
    const body = typeof override === 'function' ? override() : override;
    const response = await createCampaign(body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toMatch(message);
  });

  it('refuses a bad preview with a 400 naming the field', async () => {
    expect((await preview({ listIds: [list1], where: [{ field: 'city', op: 'in', value: [] }] }).expect(400)).body.message).toMatch(
      /audience\.where\[0\]\.value must be an array of 1 to 1000 values for in/,
    );
    const noChannel = await api().post('/v1/audiences/preview').set(engine.auth).send({ channelId: '00000000-0000-4000-8000-000000000000', audience: { listIds: [list1] } }).expect(400);
    expect(noChannel.body.message).toMatch(/channelId: no channel/);
    expect((await api().post('/v1/audiences/preview').set(engine.auth).send({ channelId }).expect(400)).body.message).toMatch(/audience is required/);
    await api().post('/v1/audiences/preview').send({ channelId, audience: { listIds: [list1] } }).expect(401);
  });

  it('describes audiences, the preview and segments in the OpenAPI document, with examples', async () => {
    const { body: document } = await api().get('/docs-json').expect(200);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/audiences/preview', '/v1/segments', '/v1/segments/{id}']));
    const schemas = document.components.schemas;
    expect(schemas.CreateCampaignDto.properties.audience).toBeDefined();
    expect(schemas.AudienceDto.properties.where.example).toEqual([
      { field: 'city', op: 'eq', value: 'Berlin' },
      { field: 'opted_in_at', op: 'after', value: '2026-01-01' },
    ]);
    expect(schemas.FromCampaignDto.properties.statuses.example).toEqual(['sent', 'delivered']);
    expect(schemas.AudiencePreviewResponse.properties).toEqual(expect.objectContaining({ count: expect.anything(), excluded: expect.anything(), byCountry: expect.anything(), sample: expect.anything() }));
  });

  it('edits a draft from a list to an audience and back', async () => {
    const { body: draft } = await createCampaign({ listId: list1 }).expect(201);
    const toAudience = await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ audience: { listIds: [list2] } }).expect(200);
    expect(toAudience.body).toMatchObject({ listId: null, audience: { listIds: [list2] } });
    const bad = await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ audience: { listIds: [list2], where: [{ field: 'city' }] } }).expect(400);
    expect(bad.body.message).toMatch(/audience\.where\[0\]\.op must be one of/);
    const itself = await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ audience: { fromCampaign: { campaignId: draft.id } } }).expect(400);
    expect(itself.body.message).toMatch(/audience\.fromCampaign\.campaignId: a campaign cannot retarget its own recipients/);
    const back = await api().patch(`/v1/campaigns/${draft.id}`).set(engine.auth).send({ listId: list1 }).expect(200);
    expect(back.body).toMatchObject({ listId: list1, audience: null });
  });
  it('counts in excluded.frequencyCap the contacts at their marketing cap now, by the frequency ledger (integration)', async () => {
    const list = await createList(engine.dataSource, 'frequency cap');
    const phones = ['+4915100000001', '+4915100000002', '+4315100000003', '+4915100000004'];
    await engine.dataSource.query('INSERT INTO list_members (list_id, contact_id) SELECT $1, id FROM contacts WHERE phone = ANY($2)', [list, phones]);
    const { body: earlier } = await createCampaign({ listId: list, scheduledAt: new Date().toISOString() }).expect(201);
    await launched(earlier.id);
    // As the sender's claim records them: 0001 and 0003 received a marketing template in the last hours,
    // 0004's message failed (not counted), 0002's was 30 hours ago.
    await setRecipientOutcomes(engine.dataSource, earlier.id, { '+4915100000001': { status: 'delivered' }, '+4315100000003': { status: 'sent' }, '+4915100000004': { status: 'failed' }, '+4915100000002': { status: 'read' } });
    await engine.dataSource.query(
      `INSERT INTO frequency_ledger (recipient_id, contact_id, counted_at)
       SELECT id, contact_id, CASE WHEN phone = '+4915100000002' THEN now() - interval '30 hours' ELSE now() - interval '2 hours' END
       FROM campaign_recipients WHERE campaign_id = $1`,
      [earlier.id],
    );
    const previewWith = (extra: Record<string, unknown>) =>
      api().post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience: { listIds: [list] }, ...extra }).expect(200);
    expect((await previewWith({ frequencyCap: { max: 1, hours: 24 } })).body).toMatchObject({ count: 4, excluded: { optedOut: 0, frequencyCap: 2 } });
    expect((await previewWith({ frequencyCap: { max: 1, hours: 48 } })).body).toMatchObject({ count: 4, excluded: { frequencyCap: 3 } });
    expect((await previewWith({ frequencyCap: { max: 2, hours: 24 } })).body.excluded.frequencyCap).toBe(0);
    // No cap given and no MARKETING_FREQUENCY_CAP: none; a UTILITY template is never capped.
    await engine.dataSource.query(
      `INSERT INTO templates (channel_id, name, language, status, category, synced_at) VALUES ($1, 'order_update', 'en', 'APPROVED', 'UTILITY', now()) ON CONFLICT DO NOTHING`,
      [channelId],
    );
    expect((await previewWith({})).body.excluded.frequencyCap).toBe(0);
    expect((await previewWith({ frequencyCap: { max: 1, hours: 24 }, template: { name: 'order_update', language: 'en' } })).body.excluded.frequencyCap).toBe(0);
    const bad = await api().post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience: { listIds: [list] }, frequencyCap: { max: 0, hours: 24 } }).expect(400);
    expect(bad.body.message).toMatch(/frequencyCap\.max must be a whole number from 1 to 100/);

    // The engine's MARKETING_FREQUENCY_CAP counts when the request names none.
    const capped = await createTestApp({ databaseUrl: engine.databaseUrl, env: { SENDER_ENABLED: 'false', MARKETING_FREQUENCY_CAP: '1/24h' } });
    try {
      const { body } = await request(capped.url).post('/v1/audiences/preview').set(capped.auth).send({ channelId, audience: { listIds: [list] } }).expect(200);
      expect(body).toMatchObject({ count: 4, excluded: { frequencyCap: 2 } });
    } finally {
      await capped.close();
    }
  });
});
