import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { createList, insertContacts } from './audience-fixtures.js';
import { createChannel } from './fixtures.js';

/** Each `where` op against real PostgreSQL, through the preview (the launch's own SQL). */
describe('audience where clauses', () => {
  let engine: TestApp;
  let channelId: string;
  let listId: string;

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
    ({ id: channelId } = await createChannel(engine, { name: 'Main', phoneNumber: '+4930123456', apiKey: 'key-cloud-0001', apiGeneration: 'cloud', baseUrl: 'http://127.0.0.1:9', verifyPhoneNumber: false }));
    listId = await createList(engine.dataSource, 'everyone');
    await insertContacts(engine.dataSource, [
      {
        phone: '+491510000001',
        firstName: 'Anna',
        country: 'DE',
        attributes: { city: 'Berlin', orders: '5', birthday: '1990-05-01', tier: 'gold' },
        optedInAt: '2026-02-01T00:00:00Z',
        lastInboundAt: '2026-11-30T12:00:00Z',
        lists: [listId],
      },
      { phone: '+491510000002', firstName: 'Ben', country: 'AT', attributes: { city: 'berlin', orders: '12', birthday: '2001-01-01' }, optedInAt: '2025-12-01T00:00:00Z', lists: [listId] },
      { phone: '+491510000003', firstName: 'Cara', country: null, attributes: { city: 'Hamburg', orders: 'many', tier: ' ' }, optedInAt: '2026-01-01T00:00:00Z', lists: [listId] },
      { phone: '+491510000004', firstName: 'Dan', country: 'DE', attributes: { orders: '-1.5', birthday: 'unknown' }, lastInboundAt: '2026-12-01T08:00:00Z', lists: [listId] },
    ]);
  });
  afterAll(() => engine.close());

  const matching = async (clause: Record<string, unknown>): Promise<number[]> => {
    const response = await request(engine.url).post('/v1/audiences/preview').set(engine.auth).send({ channelId, audience: { listIds: [listId], where: [clause] } });
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    expect(response.body.count).toBe(response.body.sample.length);
    return (response.body.sample as Array<{ phone: string }>).map((contact) => Number(contact.phone.slice(-1)));
  };

  it.each([
    [{ field: 'city', op: 'eq', value: 'Berlin' }, [1]],
    [{ field: 'city', op: 'neq', value: 'Berlin' }, [2, 3, 4]],
    [{ field: 'city', op: 'in', value: ['Berlin', 'Hamburg'] }, [1, 3]],
    [{ field: 'city', op: 'notIn', value: ['Berlin'] }, [2, 3, 4]],
    [{ field: 'city', op: 'contains', value: 'ERL' }, [1, 2]],
    [{ field: 'tier', op: 'exists' }, [1]],
    [{ field: 'tier', op: 'notExists' }, [2, 3, 4]],
    [{ field: 'orders', op: 'gt', value: 4 }, [1, 2]],
    [{ field: 'orders', op: 'lt', value: '0' }, [4]],
    [{ field: 'birthday', op: 'before', value: '2000-01-01' }, [1]],
    [{ field: 'birthday', op: 'after', value: '2000-01-01' }, [2]],
    [{ field: 'opted_in_at', op: 'after', value: '2026-01-01' }, [1, 3, 4]],
    [{ field: 'opted_in_at', op: 'before', value: '2026-01-01T01:00:00+01:00' }, [2]],
    [{ field: 'last_inbound_at', op: 'exists' }, [1, 4]],
    [{ field: 'last_inbound_at', op: 'notExists' }, [2, 3]],
    [{ field: 'last_inbound_at', op: 'after', value: '2026-12-01T00:00:00Z' }, [4]],
    [{ field: 'country', op: 'eq', value: 'de' }, [1, 4]],
    [{ field: 'country', op: 'notExists' }, [3]],
    [{ field: 'first_name', op: 'in', value: ['Anna', 'Dan'] }, [1, 4]],
    [{ field: 'first_name', op: 'contains', value: 'a' }, [1, 3, 4]],
  ])('%p matches contacts %p', async (clause, expected) => {
    expect(await matching(clause)).toEqual(expected);
  });

  it('binds values as parameters: SQL in a value is only text', async () => {
    expect(await matching({ field: 'city', op: 'eq', value: "x'; DELETE FROM contacts; --" })).toEqual([]);
    expect(await matching({ field: 'city', op: 'contains', value: "%' OR '1'='1" })).toEqual([]);
    const [{ n }] = (await engine.dataSource.query('SELECT count(*)::int AS n FROM contacts')) as Array<{ n: number }>;
    expect(n).toBe(4);
  });
});
