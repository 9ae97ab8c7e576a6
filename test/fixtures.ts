import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { TestApp } from './app.js';

export interface SeedContact {
  phone: string;
  firstName?: string | null;
  attributes?: Record<string, string>;
  optedIn?: boolean;
  optedOut?: boolean;
}

/** A list with contacts written straight into the real database (import has its own tests). */
export async function seedList(dataSource: DataSource, name: string, contacts: SeedContact[]): Promise<{ listId: string; contactIds: string[] }> {
  const [list] = (await dataSource.query('INSERT INTO lists (name) VALUES ($1) RETURNING id', [name])) as Array<{ id: string }>;
  const contactIds: string[] = [];
  for (const contact of contacts) {
    const [row] = (await dataSource.query(
      `INSERT INTO contacts (phone, wa_id, first_name, attributes, opted_in_at, opt_in_source, opted_out_at)
       VALUES ($1, $2, $3, $4, $5, 'test', $6)
       ON CONFLICT (phone) DO UPDATE SET first_name = EXCLUDED.first_name RETURNING id`,
      [
        contact.phone,
        contact.phone.replace(/\D/g, ''),
        contact.firstName ?? null,
        JSON.stringify(contact.attributes ?? {}),
        contact.optedIn === false ? null : new Date(),
        contact.optedOut ? new Date() : null,
      ],
    )) as Array<{ id: string }>;
    await dataSource.query('INSERT INTO list_members (list_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [list.id, row.id]);
    contactIds.push(row.id);
  }
  return { listId: list.id, contactIds };
}

/** Many contacts at once, set-based (for multi-instance and benchmark-like tests). */
export async function seedBulkList(dataSource: DataSource, name: string, count: number, firstPhone = 4915100000000): Promise<string> {
  const [list] = (await dataSource.query('INSERT INTO lists (name) VALUES ($1) RETURNING id', [name])) as Array<{ id: string }>;
  await dataSource.query(
    `WITH inserted AS (
       INSERT INTO contacts (phone, wa_id, first_name, opted_in_at, opt_in_source)
       SELECT '+' || ($2::bigint + g)::text, ($2::bigint + g)::text, 'Contact ' || g, now(), 'test'
       FROM generate_series(1, $1::int) g
       ON CONFLICT (phone) DO UPDATE SET first_name = EXCLUDED.first_name
       RETURNING id)
     INSERT INTO list_members (list_id, contact_id) SELECT $3, id FROM inserted`,
    [count, firstPhone, list.id],
  );
  return list.id;
}

export async function createChannel(engine: TestApp, body: Record<string, unknown>): Promise<{ id: string; webhook: { url: string; username: string; password: string } }> {
  const response = await request(engine.url).post('/v1/channels').set(engine.auth).send(body);
  if (response.status !== 201) throw new Error(`channel not created: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; webhook: { url: string; username: string; password: string } };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function recipientStatuses(dataSource: DataSource, campaignId: string): Promise<Record<string, number>> {
  const rows = (await dataSource.query('SELECT status, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status', [
    campaignId,
  ])) as Array<{ status: string; n: number }>;
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** A UTC send window that opens two hours from now and lasts an hour: closed for the rest of a test. */
export function closedSendWindow(now = new Date()): { start: string; end: string; timezone: string } {
  const hourFromNow = (hours: number) => `${String((now.getUTCHours() + hours) % 24).padStart(2, '0')}:00`;
  return { start: hourFromNow(2), end: hourFromNow(3), timezone: 'UTC' };
}
