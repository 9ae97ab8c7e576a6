import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Fixtures for the webhook specs, inserted straight into the tables (the receiver only needs rows). */

export interface ChannelFixture {
  id: string;
  username: string;
  password: string;
  authorization: string;
}

export async function insertChannel(db: DataSource, apiGeneration: 'cloud' | 'onpremise' = 'cloud'): Promise<ChannelFixture> {
  const username = `wa-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(32).toString('base64url');
  const [row] = await db.query(
    `INSERT INTO channels (name, phone_number, api_generation, base_url, api_key_encrypted, api_key_last4,
       messages_per_second, webhook_username, webhook_password_hash)
     VALUES ($1, '+4930123456', $2, 'http://127.0.0.1:9', 'x', 'abcd', 80, $3, $4) RETURNING id`,
    [`channel ${username}`, apiGeneration, username, createHash('sha256').update(password).digest('hex')],
  );
  return { id: row.id, username, password, authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

export async function insertCampaign(db: DataSource, channelId: string, status = 'running'): Promise<string> {
  const [list] = await db.query(`INSERT INTO lists (name) VALUES ($1) RETURNING id`, [`list ${randomBytes(6).toString('hex')}`]);
  const [campaign] = await db.query(
    `INSERT INTO campaigns (name, channel_id, list_id, template, status, launched_at, started_at)
     VALUES ('webhook test', $1, $2, '{"name":"t","language":"en","components":[]}', $3, now(), now()) RETURNING id`,
    [channelId, list.id, status],
  );
  return campaign.id;
}

let phoneSequence = 0;

/** A fresh, unique WhatsApp id (digits). */
export function nextWaId(): string {
  phoneSequence++;
  return `49151${String(process.pid % 1000).padStart(3, '0')}${String(phoneSequence).padStart(5, '0')}`;
}

export async function insertContact(db: DataSource, waId = nextWaId()): Promise<{ id: string; waId: string }> {
  const [row] = await db.query(`INSERT INTO contacts (phone, wa_id, opted_in_at, opt_in_source) VALUES ($1, $2, now(), 'test') RETURNING id::text AS id`, [
    `+${waId}`,
    waId,
  ]);
  return { id: row.id, waId };
}

export interface RecipientFixture {
  id: string;
  contactId: string;
  waId: string;
  messageId: string | null;
}

export async function insertRecipient(
  db: DataSource,
  campaignId: string,
  channelId: string,
  options: { status?: string; messageId?: string | null; sentAt?: Date | null; leaseUntil?: Date | null } = {},
): Promise<RecipientFixture> {
  const contact = await insertContact(db);
  const messageId = options.messageId === undefined ? `wamid.${randomBytes(12).toString('hex')}` : options.messageId;
  const status = options.status ?? 'sent';
  const sentAt = options.sentAt === undefined ? (status === 'sent' ? new Date('2026-01-01T00:00:00Z') : null) : options.sentAt;
  const [row] = await db.query(
    `INSERT INTO campaign_recipients (campaign_id, channel_id, contact_id, phone, wa_id, status, next_attempt_at, message_id, sent_at, lease_until, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9, 1) RETURNING id::text AS id`,
    [campaignId, channelId, contact.id, `+${contact.waId}`, contact.waId, status, messageId, sentAt, options.leaseUntil ?? null],
  );
  return { id: row.id, contactId: contact.id, waId: contact.waId, messageId };
}

export interface RecipientRow {
  status: string;
  message_id: string | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  error_code: number | null;
  error_title: string | null;
  lease_until: Date | null;
}

export async function recipient(db: DataSource, id: string): Promise<RecipientRow> {
  const [row] = await db.query(
    `SELECT status, message_id, sent_at, delivered_at, read_at, failed_at, error_code, error_title, lease_until FROM campaign_recipients WHERE id = $1`,
    [id],
  );
  return row;
}

/** Counters as the trigger keeps them, and the same figures counted from the rows: they must agree. */
export async function countersAndTruth(db: DataSource, campaignId: string): Promise<{ counters: Record<string, number>; truth: Record<string, number> }> {
  const counterRows: Array<{ key: string; count: number }> = await db.query(
    `SELECT key, sum(count)::int AS count FROM campaign_counters WHERE campaign_id = $1 GROUP BY key HAVING sum(count) <> 0`,
    [campaignId],
  );
  const truthRows: Array<{ key: string; count: number }> = await db.query(
    `SELECT status AS key, count(*)::int AS count FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status
     UNION ALL SELECT 'reached:sent', count(*)::int FROM campaign_recipients WHERE campaign_id = $1 AND sent_at IS NOT NULL HAVING count(*) > 0
     UNION ALL SELECT 'reached:delivered', count(*)::int FROM campaign_recipients WHERE campaign_id = $1 AND delivered_at IS NOT NULL HAVING count(*) > 0
     UNION ALL SELECT 'reached:read', count(*)::int FROM campaign_recipients WHERE campaign_id = $1 AND read_at IS NOT NULL HAVING count(*) > 0
     UNION ALL SELECT 'error:' || error_code || ':' || coalesce(error_title, ''), count(*)::int FROM campaign_recipients
       WHERE campaign_id = $1 AND status = 'failed' AND error_code IS NOT NULL GROUP BY error_code, error_title`,
    [campaignId],
  );
  const counters = Object.fromEntries(counterRows.filter((row) => !row.key.startsWith('waiting')).map((row) => [row.key, row.count]));
  const truth = Object.fromEntries(truthRows.map((row) => [row.key, row.count]));
  return { counters, truth };
}

export const seconds = (value: number) => new Date(value * 1000);

/** A Cloud API webhook body carrying the given statuses (one entry, one change). */
export function cloudStatuses(
  statuses: Array<{ id: string; status: string; timestamp: number; recipientId?: string; callback?: string; errors?: Array<{ code: number; title: string }> }>,
): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '4930123456', phone_number_id: '106540352242922' },
              statuses: statuses.map((status) => ({
                id: status.id,
                status: status.status,
                timestamp: String(status.timestamp),
                recipient_id: status.recipientId ?? '4915112345678',
                ...(status.callback ? { biz_opaque_callback_data: status.callback } : {}),
                ...(status.status === 'sent' || status.status === 'delivered'
                  ? { conversation: { id: 'c1', origin: { type: 'marketing' } }, pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' } }
                  : {}),
                ...(status.errors
                  ? { errors: status.errors.map((error) => ({ ...error, message: error.title, error_data: { details: error.title } })) }
                  : {}),
              })),
            },
          },
        ],
      },
    ],
  };
}

/** An On-Premise webhook body carrying the given statuses. */
export function onPremiseStatuses(
  statuses: Array<{ id: string; status: string; timestamp: number; errors?: Array<{ code: number; title: string }> }>,
): Record<string, unknown> {
  return {
    statuses: statuses.map((status) => ({
      id: status.id,
      recipient_id: '4915112345678',
      status: status.status,
      timestamp: String(status.timestamp),
      ...(status.errors ? { errors: status.errors } : {}),
    })),
  };
}

export function cloudInbound(from: string, text: string, id = `wamid.in.${randomBytes(8).toString('hex')}`, timestamp = 1_767_000_000): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '4930123456', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Maria' }, wa_id: from }],
              messages: [{ from, id, timestamp: String(timestamp), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

export function onPremiseInbound(from: string, text: string, id = `ABGG${randomBytes(8).toString('hex')}`, timestamp = 1_767_000_000): Record<string, unknown> {
  return {
    contacts: [{ profile: { name: 'Maria' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(timestamp), type: 'text', text: { body: text } }],
  };
}

export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`waitFor timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** Waits until no inbox item of the given channel is due (everything received so far was processed or is waiting for a retry). */
export async function drained(db: DataSource, channelId: string): Promise<void> {
  await waitFor(
    async () =>
      (await db.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE channel_id = $1 AND state = 'pending' AND attempts = 0`, [channelId]))[0].n,
    (n: number) => n === 0,
  );
}

/** POSTs a raw body to the channel's webhook with its Basic credentials; the HTTP status. */
export async function postWebhook(url: string, channel: ChannelFixture, raw: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${url}/webhooks/360dialog/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: channel.authorization, ...headers },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}
