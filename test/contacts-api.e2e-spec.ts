import request from 'supertest';
import { ContactsRepository } from '../src/contacts/contacts.repository.js';
import { createTestApp, type TestApp } from './app.js';
import { contactByPhone, germanMobile, importCsv } from './contacts-helpers.js';

/** Contacts, lists, the opt-in registry and the ContactsRepository methods the webhook processor calls. */
describe('contacts API and opt-in registry', () => {
  let engine: TestApp;
  const api = () => request(engine.url);

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
  });
  afterAll(() => engine.close());

  async function events(contactId: string) {
    const { body } = await api().get(`/v1/contacts/${contactId}`).set(engine.auth).expect(200);
    return body.consentHistory as Array<{ kind: string; source: string; proof: string | null; occurredAt: string }>;
  }

  describe('re-import and sticky opt-out', () => {
    const csv = (name: string) =>
      ['phone,first_name,plan', `${germanMobile(1)},${name},gold`, `${germanMobile(2)},Ben,silver`, `${germanMobile(3)},Clara,`, `${germanMobile(1)},dup,x`, 'bad,x,y'].join('\n');

    it('re-importing the same file updates every contact and creates nothing', async () => {
      const first = await importCsv(engine, csv('Anna'), { list: 'Loyal' });
      expect(first).toMatchObject({ status: 'completed', totalRows: 5, imported: 3, updated: 0, duplicates: 1, rejected: 1 });
      const [before] = await engine.dataSource.query(
        `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM consent_history)::int AS events,
                (SELECT count(*) FROM list_members)::int AS members, (SELECT max(updated_at) FROM contacts) AS updated`,
      );
      const second = await importCsv(engine, csv('Anna'), { list: 'Loyal' });
      expect(second).toMatchObject({ status: 'completed', totalRows: 5, imported: 0, updated: 3, duplicates: 1, rejected: 1, listId: first.listId });
      const [after] = await engine.dataSource.query(
        `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM consent_history)::int AS events,
                (SELECT count(*) FROM list_members)::int AS members, (SELECT max(updated_at) FROM contacts) AS updated`,
      );
      expect(after).toEqual(before); // unchanged rows are not even rewritten
      const list = await api().get(`/v1/lists/${first.listId}`).set(engine.auth).expect(200);
      expect(list.body.memberCount).toBe(3);
    });

    it('keeps an opted-out contact opted out on re-import, while updating its fields', async () => {
      const anna = await contactByPhone(engine, germanMobile(1));
      const optedOut = await api().post(`/v1/contacts/${anna.id}/opt-out`).set(engine.auth).send({ reason: 'asked by phone', proof: 'call 2026-03-01' }).expect(200);
      expect(optedOut.body).toMatchObject({ optedIn: false, optOutReason: 'asked by phone', optedOutAt: expect.any(String) });

      const status = await importCsv(engine, csv('Annabel'), { list: 'Loyal' });
      expect(status).toMatchObject({ imported: 0, updated: 3, optedOut: 1 });
      const after = await contactByPhone(engine, germanMobile(1));
      expect(after).toMatchObject({ firstName: 'Annabel', optedIn: false, optedOutAt: optedOut.body.optedOutAt, optOutReason: 'asked by phone' });
      expect((await events(anna.id)).map((event) => event.kind)).toEqual(['opt_in', 'opt_out']);

      // Opting out twice keeps the first opt-out and adds no event.
      await api().post(`/v1/contacts/${anna.id}/opt-out`).set(engine.auth).send({}).expect(200);
      expect((await contactByPhone(engine, germanMobile(1))).optOutReason).toBe('asked by phone');
      expect(await events(anna.id)).toHaveLength(2);
    });

    it('opts a contact in again only through an explicit opt-in with a source', async () => {
      const anna = await contactByPhone(engine, germanMobile(1));
      const before = await events(anna.id); // the import's opt-in (held in the contact row) and the opt-out
      expect(before[0]).toMatchObject({ kind: 'opt_in', source: 'import', proof: expect.stringMatching(/^import .+ line 2$/) });
      const missing = await api().post(`/v1/contacts/${anna.id}/opt-in`).set(engine.auth).send({ proof: 'x' }).expect(400);
      expect(missing.body.message).toMatch(/source/);
      const optedIn = await api()
        .post(`/v1/contacts/${anna.id}/opt-in`)
        .set(engine.auth)
        .send({ source: 'double opt-in email', proof: 'confirmation 4711' })
        .expect(200);
      expect(optedIn.body).toMatchObject({
        optedIn: true,
        optedOutAt: null,
        optOutReason: null,
        optInSource: 'double opt-in email',
        optInProof: 'confirmation 4711',
      });
      expect(optedIn.body.consentHistory.map((event: { kind: string; source: string }) => [event.kind, event.source])).toEqual([
        ['opt_in', 'import'],
        ['opt_out', 'api'],
        ['opt_in', 'double opt-in email'],
      ]);
      // The import's event, written out when the opt-in replaced the row's values, reads as before.
      expect(optedIn.body.consentHistory.slice(0, 2)).toEqual(before);
      const unknownField = await api().post(`/v1/contacts/${anna.id}/opt-in`).set(engine.auth).send({ source: 'x', extra: 1 }).expect(400);
      expect(unknownField.body.message).toMatch(/extra/);
    });

    it('answers 404 for opt-in/opt-out of unknown contacts', async () => {
      await api().post('/v1/contacts/999999/opt-out').set(engine.auth).send({}).expect(404);
      const malformed = await api().post('/v1/contacts/abc/opt-in').set(engine.auth).send({ source: 'x' }).expect(400);
      expect(malformed.body.message).toBe('id "abc" is not a contact id: it must be a whole number such as 42');
    });
  });

  describe('ContactsRepository methods of the webhook processor', () => {
    it('optOutByKeyword opts known contacts out and records unknown numbers as opted out, so that no import opts them in', async () => {
      const contacts = engine.app.get(ContactsRepository);
      const at = new Date('2026-03-01T10:00:00Z');
      const stop = { reason: 'inbound keyword "STOP"', reasonIfUnknown: 'inbound keyword "STOP" from a number not in contacts (opted-out-unknown)' };
      const outcome = await engine.dataSource.transaction((manager) =>
        contacts.optOutByKeyword(
          [
            { waId: germanMobile(2).slice(1), occurredAt: at, ...stop, proof: '{"messageId":"wamid.1"}' },
            { waId: '+44 7400 123999', occurredAt: at, ...stop, proof: '{"messageId":"wamid.2"}' },
            { waId: germanMobile(2).slice(1), occurredAt: new Date('2026-03-01T11:00:00Z'), reason: 'again', reasonIfUnknown: 'again', proof: null },
            { waId: 'not a number', occurredAt: at, reason: 'ignored', reasonIfUnknown: 'ignored', proof: null },
          ],
          manager,
        ),
      );
      expect(outcome.map((row) => [row.phone, row.created]).sort()).toEqual([
        ['+447400123999', true],
        [germanMobile(2), false],
      ]);
      const ben = await contactByPhone(engine, germanMobile(2));
      expect(ben).toMatchObject({ optedIn: false, optedOutAt: at.toISOString(), optOutReason: 'inbound keyword "STOP"' });
      expect((await events(ben.id)).filter((event) => event.kind === 'opt_out')).toEqual([
        { kind: 'opt_out', source: 'inbound_keyword', proof: '{"messageId":"wamid.1"}', occurredAt: at.toISOString() },
      ]);
      expect(await contactByPhone(engine, '+447400123999')).toMatchObject({ optedIn: false, country: 'GB', optedInAt: null });

      // Again: nothing changes.
      expect(await contacts.optOutByKeyword([{ waId: '447400123999', occurredAt: at, reason: 'x', reasonIfUnknown: 'x', proof: null }], engine.dataSource.manager)).toEqual([]);

      const status = await importCsv(engine, 'phone,first_name\n+447400123999,Stranger\n');
      expect(status).toMatchObject({ imported: 0, updated: 1, optedOut: 1 });
      expect(await contactByPhone(engine, '+447400123999')).toMatchObject({ firstName: 'Stranger', optedIn: false, optedInAt: null });
    });

    it('touchLastInbound moves last_inbound_at forward only, batch-wide', async () => {
      const contacts = engine.app.get(ContactsRepository);
      const db = engine.dataSource.manager;
      const clara = await contactByPhone(engine, germanMobile(3));
      const updated = await contacts.touchLastInbound(
        [
          { waId: clara.waId, at: new Date('2026-03-02T10:00:00Z') },
          { waId: clara.waId, at: new Date('2026-03-02T12:00:00Z') },
          { waId: '4915199999999', at: new Date() },
        ],
        db,
      );
      expect(updated).toEqual([clara.id]);
      expect((await contactByPhone(engine, germanMobile(3))).lastInboundAt).toBe('2026-03-02T12:00:00.000Z');
      expect(await contacts.touchLastInbound([{ waId: clara.waId, at: new Date('2026-03-01T00:00:00Z') }], db)).toEqual([]);
      expect((await contactByPhone(engine, germanMobile(3))).lastInboundAt).toBe('2026-03-02T12:00:00.000Z');
    });
  });

  describe('listing', () => {
    let listId: string;
    beforeAll(async () => {
      const rows = ['phone'];
      for (let i = 100; i < 125; i++) rows.push(germanMobile(i));
      listId = (await importCsv(engine, rows.join('\n'), { list: 'Paged' })).listId!;
    });

    it('pages through all contacts with keyset cursors, each exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = { limit: 7 };
        if (cursor) query.cursor = cursor;
        const { body } = await api().get('/v1/contacts').query(query).set(engine.auth).expect(200);
        expect(body.items.length).toBeLessThanOrEqual(7);
        seen.push(...body.items.map((item: { id: string }) => item.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      const [{ count }] = await engine.dataSource.query('SELECT count(*)::int AS count FROM contacts');
      expect(seen).toHaveLength(count);
      expect(new Set(seen).size).toBe(count);
      expect(seen).toEqual([...seen].sort((a, b) => Number(a) - Number(b)));
      expect(pages).toBe(Math.ceil(count / 7));
    });

    it('filters by list, with pagination', async () => {
      const first = await api().get('/v1/contacts').query({ listId, limit: 20 }).set(engine.auth).expect(200);
      expect(first.body.items).toHaveLength(20);
      const second = await api().get('/v1/contacts').query({ listId, limit: 20, cursor: first.body.nextCursor }).set(engine.auth).expect(200);
      expect(second.body).toMatchObject({ nextCursor: null });
      expect(second.body.items).toHaveLength(5);
    });

    it.each([
      ['+49 151 10000100'],
      ['004915110000100'],
      ['4915110000100'],
      ['0151 10000100'],
      ['(0151) 1000-0100'],
    ])('finds a contact by phone written as %j', async (phone) => {
      const { body } = await api().get('/v1/contacts').query({ phone, country: 'DE' }).set(engine.auth).expect(200);
      expect(body).toEqual({ items: [expect.objectContaining({ phone: germanMobile(100) })], nextCursor: null });
      const inList = await api().get('/v1/contacts').query({ phone, country: 'DE', listId }).set(engine.auth).expect(200);
      expect(inList.body.items).toHaveLength(1);
    });

    it('finds nothing for unknown numbers, numbers outside the list and unparseable input', async () => {
      for (const query of [{ phone: '+4915199999999' }, { phone: 'garbage' }, { phone: '0151 10000100' }]) {
        const { body } = await api().get('/v1/contacts').query(query).set(engine.auth).expect(200);
        expect(body).toEqual({ items: [], nextCursor: null });
      }
      const { body } = await api().get('/v1/contacts').query({ phone: germanMobile(1), listId }).set(engine.auth).expect(200);
      expect(body.items).toEqual([]);
    });

    it.each([
      [{ limit: 0 }, /limit/],
      [{ limit: 501 }, /limit/],
      [{ cursor: 'nonsense' }, /cursor/],
      [{ listId: 'not-a-uuid' }, /listId/],
      [{ unknown: 'x' }, /unknown/],
    ])('refuses %j with 400', async (query, message) => {
      const { body } = await api().get('/v1/contacts').query(query).set(engine.auth).expect(400);
      expect(body.message).toMatch(message);
    });

    it('gets one contact with its lists and consent history; 404 for unknown ids', async () => {
      const contact = await contactByPhone(engine, germanMobile(100));
      const { body } = await api().get(`/v1/contacts/${contact.id}`).set(engine.auth).expect(200);
      expect(body).toMatchObject({ id: contact.id, phone: germanMobile(100), waId: germanMobile(100).slice(1), listIds: [listId], optedIn: true });
      expect(body.consentHistory).toHaveLength(1);
      for (const id of ['999999999', '0']) {
        const missing = await api().get(`/v1/contacts/${id}`).set(engine.auth).expect(404);
        expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Contact ${id} not found` });
      }
      // Not an id at all: 400 naming the parameter (issue 15).
      for (const id of ['abc', '9223372036854775808', '9999999999999999999']) {
        const malformed = await api().get(`/v1/contacts/${id}`).set(engine.auth).expect(400);
        expect(malformed.body.message).toBe(`id "${id}" is not a contact id: it must be a whole number such as 42`);
      }
    });

    it('lists lists with member counts, keyset-paginated; 404 for unknown lists', async () => {
      const all: Array<{ id: string; name: string; memberCount: number }> = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = { limit: 1 };
        if (cursor) query.cursor = cursor;
        const { body } = await api().get('/v1/lists').query(query).set(engine.auth).expect(200);
        all.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      expect(all.map((list) => [list.name, list.memberCount])).toEqual([
        ['Loyal', 3],
        ['Paged', 25],
      ]);
      await api().get('/v1/lists/00000000-0000-4000-8000-000000000000').set(engine.auth).expect(404);
      expect((await api().get('/v1/lists/nope').set(engine.auth).expect(400)).body.message).toMatch(/^id "nope" is not a list id/);
      await api().get('/v1/lists').query({ cursor: 'nope' }).set(engine.auth).expect(400);
    });

    it.each([
      ['an impossible date', `l1:Tue, 31 Feb 2020|00000000-0000-4000-8000-000000000000`],
      ['an impossible ISO date', `l1:2020-02-31T00:00:00.000000Z|00000000-0000-4000-8000-000000000000`],
      ['an id that is not a uuid', `l1:2020-01-01T00:00:00.000000Z|not-a-uuid`],
      ['a cursor of another listing', `k1:2020-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000`],
    ])('answers a tampered lists cursor (%s) with 400, not 500', async (_name, text) => {
      const cursor = Buffer.from(text, 'utf8').toString('base64url');
      const { body } = await api().get('/v1/lists').query({ cursor }).set(engine.auth).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toMatch(/cursor/);
    });

    it('searches by name (first and last, any case, wildcards taken literally), within a list too', async () => {
      const named = await importCsv(engine, ['phone,first_name,last_name', `${germanMobile(900)},Maria,Schmidt`, `${germanMobile(901)},Jonas,Schmidt-Weber`, `${germanMobile(902)},Ana,100%_Sure`].join('\n'), { list: 'Named' });
      const search = async (query: Record<string, string>) =>
        (await api().get('/v1/contacts').query(query).set(engine.auth).expect(200)).body.items.map((item: { firstName: string }) => item.firstName);
      expect(await search({ name: 'schmidt' })).toEqual(['Maria', 'Jonas']);
      expect(await search({ name: 'maria schm' })).toEqual(['Maria']);
      expect(await search({ name: '%' })).toEqual(['Ana']);
      expect(await search({ name: '0%_s' })).toEqual(['Ana']);
      expect(await search({ name: 'schmidt', listId })).toEqual([]);
      expect(await search({ name: 'SCHMIDT', listId: named.listId! })).toEqual(['Maria', 'Jonas']);
      expect(await search({ name: 'nobody' })).toEqual([]);
    });
  });

  it('documents every contacts route in the OpenAPI document, including the multipart body', async () => {
    const { body } = await api().get('/docs-json').expect(200);
    for (const path of [
      '/v1/contacts/imports',
      '/v1/contacts/imports/{id}',
      '/v1/contacts/imports/{id}/errors.csv',
      '/v1/contacts',
      '/v1/contacts/{id}',
      '/v1/contacts/{id}/opt-out',
      '/v1/contacts/{id}/opt-in',
      '/v1/lists',
      '/v1/lists/{id}',
    ]) {
      expect(body.paths[path]).toBeDefined();
    }
    const upload = body.paths['/v1/contacts/imports'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(upload.responses['202']).toBeDefined();
  });
});
