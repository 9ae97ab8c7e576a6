import request from 'supertest';
import { createSandbox, DEFAULT_TEMPLATES, type Sandbox, type SandboxTemplate } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, seedList, waitFor } from './fixtures.js';

// The template registry (GET/POST /v1/channels/:id/templates) and the pre-flight of a campaign's template
// (422 before anything is sent, 502 when 360dialog cannot be reached, the re-check at launch), against
// the sandbox's template registry (src/sandbox/default-templates.ts).

const text = (value: string) => ({ type: 'text', text: value });
const body = (...values: string[]) => ({ type: 'body', parameters: values.map(text) });
const springSale = { name: 'spring_sale', language: 'en', components: [body('{{first_name|there}}')] };
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describe('template registry and pre-flight', () => {
  let sandbox: Sandbox;
  let engine: TestApp;
  let channelId: string;
  let listId: string;

  beforeAll(async () => {
    sandbox = await createSandbox({ keys: { 'tpl-cloud-key-0001': { generation: 'cloud', phoneNumber: '+4930111111' }, 'tpl-onprem-key-0001': { generation: 'onpremise', templateNamespace: 'tpl_ns', phoneNumber: '+4930333333' } } });
    engine = await createTestApp();
    ({ id: channelId } = await createChannel(engine, { name: 'Templates', phoneNumber: '+4930111111', apiKey: 'tpl-cloud-key-0001', apiGeneration: 'cloud', baseUrl: sandbox.url }));
    ({ listId } = await seedList(engine.dataSource, 'templates', [{ phone: '+4915140000001', firstName: 'Ada' }]));
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });
  beforeEach(() => sandbox.configure({ templates: DEFAULT_TEMPLATES }));

  const api = () => request(engine.url);
  const create = (fields: Record<string, unknown>) => api().post('/v1/campaigns').set(engine.auth).send({ name: 'Pre-flight', channelId, listId, template: springSale, ...fields });
  const sync = (id = channelId) => api().post(`/v1/channels/${id}/templates/sync`).set(engine.auth);

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown template', { name: 'no_such_template', language: 'en', components: [] }, /no template named "no_such_template" is registered/],
    ['a language the template does not have', { ...springSale, language: 'fr' }, /template "spring_sale" \(fr\) does not exist in language "fr": it exists in de, en/],
    ['a PAUSED template', { ...springSale, name: 'winter_sale' }, /template "winter_sale" \(en\) is PAUSED, not APPROVED/],
    [
      'a media header without its image',
      { name: 'order_shipped', language: 'en', components: [body('a', 'b'), { type: 'button', sub_type: 'url', index: '0', parameters: [text('A1')] }] },
      /template "order_shipped" \(en\): the header is IMAGE and needs one image parameter/,
    ],
    ['one body parameter too many', { ...springSale, components: [body('a', 'b')] }, /template "spring_sale" \(en\): the body has 1 parameter \(\{\{1\}\}\), but 2 are given: give exactly 1/],
    ['one body parameter too few', { name: 'codes', language: 'en', components: [body('{{first_name|there}}')] }, /template "codes" \(en\): the body has 2 parameters \(\{\{1\}\}, \{\{2\}\}\), but 1 is given/],
  ])('refuses to schedule %s with 422 naming template, component and fix; nothing is sent', async (_, template, message) => {
    const refused = await create({ template, scheduledAt: new Date().toISOString() }).expect(422);
    expect(refused.body.message).toMatch(message);
    expect(refused.body.message).toMatch(/skipTemplateCheck/);
    expect(refused.body.problems).toEqual([expect.stringMatching(message)]);
    const [{ count }] = (await engine.dataSource.query(`SELECT count(*)::int AS count FROM campaigns WHERE channel_id = $1`, [channelId])) as Array<{ count: number }>;
    expect(count).toBe(0);
    expect(sandbox.stats().accepted).toBe(0);
  });

  it('saves a draft with any template; scheduling it (or editing a scheduled one to it) is refused with 422', async () => {
    const paused = { ...springSale, name: 'winter_sale' };
    const { body: draft } = await create({ template: paused }).expect(201);
    expect(draft).toMatchObject({ status: 'draft', skipTemplateCheck: false });
    expect((await api().post(`/v1/campaigns/${draft.id}/schedule`).set(engine.auth).send({ scheduledAt: inAnHour() }).expect(422)).body.message).toMatch(/winter_sale.*PAUSED/);
    expect((await api().get(`/v1/campaigns/${draft.id}`).set(engine.auth)).body.status).toBe('draft');

    const { body: scheduled } = await create({ scheduledAt: inAnHour() }).expect(201);
    expect((await api().patch(`/v1/campaigns/${scheduled.id}`).set(engine.auth).send({ template: paused }).expect(422)).body.message).toMatch(/winter_sale/);
    await api().patch(`/v1/campaigns/${scheduled.id}`).set(engine.auth).send({ template: { ...springSale, language: 'de' } }).expect(200);
    for (const id of [draft.id, scheduled.id]) await api().post(`/v1/campaigns/${id}/cancel`).set(engine.auth).expect(200);
    expect(sandbox.stats().accepted).toBe(0);
  });

  it('answers 502 naming the upstream error when 360dialog cannot be reached; skipTemplateCheck lets it through', async () => {
    const { id: offline } = await createChannel(engine, { name: 'Offline', phoneNumber: '+4930222222', apiKey: 'offline-key-0001', apiGeneration: 'cloud', baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false });
    const refused = await create({ channelId: offline, scheduledAt: inAnHour() }).expect(502);
    expect(refused.body.message).toMatch(/could not list the templates of channel "Offline" from 360dialog \(http:\/\/127\.0\.0\.1:9\): no answer/);
    expect((await sync(offline).expect(502)).body.upstream).toMatchObject({ httpStatus: null });
    const { body: campaign } = await create({ channelId: offline, scheduledAt: inAnHour(), skipTemplateCheck: true }).expect(201);
    expect(campaign).toMatchObject({ status: 'scheduled', skipTemplateCheck: true });
    await api().post(`/v1/campaigns/${campaign.id}/cancel`).set(engine.auth).expect(200);
  });

  it('lists the synced registry per channel, with per-component parameter counts, media headers, buttons and named parameters', async () => {
    await sync().expect(200);
    const { body: listed } = await api().get(`/v1/channels/${channelId}/templates`).set(engine.auth).expect(200);
    expect(listed.items).toHaveLength(DEFAULT_TEMPLATES.length);
    const find = (name: string) => listed.items.find((item: { name: string }) => item.name === name);
    expect(find('order_shipped')).toEqual({
      name: 'order_shipped',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'IMAGE', parameterCount: 1, parameterNames: [], buttons: [], text: null },
        { type: 'BODY', format: null, parameterCount: 2, parameterNames: ['1', '2'], buttons: [], text: 'Hi {{1}}, your order {{2}} has shipped.' },
        { type: 'FOOTER', format: null, parameterCount: 0, parameterNames: [], buttons: [], text: 'Reply STOP to opt out' },
        {
          type: 'BUTTONS',
          format: null,
          parameterCount: 0,
          parameterNames: [],
          buttons: [
            { index: 0, type: 'URL', text: 'Track it', parameterCount: 1 },
            { index: 1, type: 'QUICK_REPLY', text: 'Stop updates', parameterCount: 0 },
          ],
          text: null,
        },
      ],
      syncedAt: expect.any(String),
    });
    expect(find('appointment_reminder')).toMatchObject({ parameterFormat: 'NAMED', components: [{ type: 'HEADER', parameterNames: ['first_name'] }, { parameterNames: ['first_name', 'date'] }] });
    expect(find('winter_sale').status).toBe('PAUSED');
    expect(listed.syncedAt).toEqual(expect.any(String));
    await api().get('/v1/channels/8b0f2c1e-0000-4000-8000-000000000000/templates').set(engine.auth).expect(404);
  });

  it('sync counts what was added, changed and removed, over more than one page, for both generations', async () => {
    const many: SandboxTemplate[] = Array.from({ length: 230 }, (_, index) => ({ name: `bulk_${String(index).padStart(3, '0')}`, language: 'en', category: 'UTILITY', body: 'Hi {{1}}' }));
    sandbox.configure({ templates: many });
    const { id: onPremise } = await createChannel(engine, {
      name: 'On-Prem',
      phoneNumber: '+4930333333',
      apiKey: 'tpl-onprem-key-0001',
      apiGeneration: 'onpremise',
      templateNamespace: 'tpl_ns',
      baseUrl: sandbox.url,
    });
    expect((await sync(onPremise).expect(200)).body).toMatchObject({ added: 230, changed: 0, removed: 0, total: 230, ignored: [] });
    expect((await sync(onPremise).expect(200)).body).toMatchObject({ added: 0, changed: 0, removed: 0, total: 230 });

    // Over HTTP, as a script in another process would: one template paused, one gone, one new.
    const changed = [{ ...many[5], status: 'PAUSED' }, ...many.slice(0, 5), ...many.slice(7), { name: 'bulk_new', language: 'en', category: 'MARKETING', body: 'New {{1}}' }];
    const response = await fetch(`${sandbox.url}/_sandbox/templates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templates: changed, replace: true }) });
    expect(response.status).toBe(200);
    expect((await sync(onPremise).expect(200)).body).toMatchObject({ added: 1, changed: 1, removed: 1, total: 230 });
    const { body: listed } = await api().get(`/v1/channels/${onPremise}/templates`).set(engine.auth).expect(200);
    expect(listed.items).toHaveLength(230);
    expect(listed.items.find((item: { name: string }) => item.name === 'bulk_005')).toMatchObject({ status: 'PAUSED' });
    expect(listed.items.some((item: { name: string }) => item.name === 'bulk_006')).toBe(false);
  });

  it('a template no longer APPROVED at launch pauses the campaign naming the template and its status; nothing is sent', async () => {
    const { body: campaign } = await create({ scheduledAt: inAnHour() }).expect(201);
    sandbox.configure({ templates: DEFAULT_TEMPLATES.map((template) => (template.name === 'spring_sale' && template.language === 'en' ? { ...template, status: 'PAUSED' } : template)) });
    expect((await sync().expect(200)).body).toMatchObject({ changed: 1 });
    await engine.dataSource.query(`UPDATE campaigns SET scheduled_at = now() - interval '1 second' WHERE id = $1`, [campaign.id]);
    const paused = await waitFor('paused at launch', async () => {
      const { body: current } = await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth);
      return current.status === 'paused' ? (current as { pausedReason: string; launchedAt: string | null }) : null;
    });
    expect(paused.pausedReason).toMatch(/template "spring_sale" \(en\) is PAUSED, not APPROVED/);
    expect(paused.launchedAt).toBeNull();
    expect(sandbox.stats().accepted).toBe(0);
    const [{ count }] = (await engine.dataSource.query(`SELECT count(*)::int AS count FROM campaign_recipients WHERE campaign_id = $1`, [campaign.id])) as Array<{ count: number }>;
    expect(count).toBe(0);
  });

  it('sends a campaign whose template passes the pre-flight (the registry re-synced after the sandbox changed back)', async () => {
    // The entry synced a moment ago is fresh (TEMPLATE_MAX_AGE_SECONDS): without this sync it would still be PAUSED.
    expect((await create({ scheduledAt: new Date().toISOString() }).expect(422)).body.message).toMatch(/PAUSED/);
    expect((await sync().expect(200)).body).toMatchObject({ changed: 1 });
    const { body: campaign } = await create({ scheduledAt: new Date().toISOString() }).expect(201);
    await waitFor('completed', async () => (await api().get(`/v1/campaigns/${campaign.id}`).set(engine.auth)).body.status === 'completed');
    expect(sandbox.recentMessages().map((message) => [message.template, message.language])).toEqual([['spring_sale', 'en']]);
  });

  it('documents the template routes in the OpenAPI document', async () => {
    const { body: document } = await api().get('/docs-json').expect(200);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/channels/{id}/templates', '/v1/channels/{id}/templates/sync']));
  });
});
