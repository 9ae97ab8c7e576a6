import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface CampaignFixture {
  campaignId: string;
  channelId: string;
  listId: string;
}

/**
 * A campaign with `recipients` pending recipients, written straight into the tables (the report
 * reads whatever the sender and webhooks write). Each recipient's contact gets a unique phone;
 * `names` sets the first contacts' first/last names.
 */
export async function createCampaignFixture(
  dataSource: DataSource,
  options: { recipients: number; status?: string; name?: string; names?: Array<{ first: string | null; last: string | null }> },
): Promise<CampaignFixture> {
  const tag = randomBytes(4).toString('hex');
  const prefix = String(parseInt(tag, 16) % 100_000).padStart(5, '0');
  const [channel] = await dataSource.query(
    `INSERT INTO channels (name, phone_number, api_generation, base_url, api_key_encrypted, api_key_last4, messages_per_second,
       webhook_username, webhook_password_hash)
     VALUES ($1, '+4930123456', 'cloud', 'http://127.0.0.1:9', 'not-a-real-key', '0000', 80, $1, 'x') RETURNING id`,
    [`report-test-${tag}`],
  );
  const [list] = await dataSource.query('INSERT INTO lists (name) VALUES ($1) RETURNING id', [`report-test-${tag}`]);
  const contacts: Array<{ id: string }> = await dataSource.query(
    `INSERT INTO contacts (phone, wa_id, first_name, last_name, opted_in_at)
     SELECT '+1555' || $1 || lpad(g::text, 7, '0'), '1555' || $1 || lpad(g::text, 7, '0'), 'First' || g, 'Last' || g, now()
     FROM generate_series(1, $2::int) g ORDER BY g RETURNING id`,
    [prefix, options.recipients],
  );
  const names = options.names ?? [];
  for (let index = 0; index < names.length; index++) {
    await dataSource.query('UPDATE contacts SET first_name = $2, last_name = $3 WHERE id = $1', [
      contacts[index].id,
      names[index].first,
      names[index].last,
    ]);
  }
  await dataSource.query(
    'INSERT INTO list_members (list_id, contact_id) SELECT $1, c FROM unnest($2::bigint[]) c',
    [list.id, contacts.map((contact) => contact.id)],
  );
  const [campaign] = await dataSource.query(
    `INSERT INTO campaigns (name, channel_id, list_id, template, status, scheduled_at, launched_at, started_at)
     VALUES ($1, $2, $3, '{"name":"spring_sale","language":"en","components":[]}', $4, now() - interval '1 minute',
       now() - interval '50 seconds', now() - interval '50 seconds')
     RETURNING id`,
    [options.name ?? `Report test ${tag}`, channel.id, list.id, options.status ?? 'running'],
  );
  await dataSource.query(
    `INSERT INTO campaign_recipients (campaign_id, channel_id, contact_id, phone, wa_id, status, next_attempt_at)
     SELECT $1, $2, c.id, c.phone, c.wa_id, 'pending', now()
     FROM contacts c WHERE c.id = ANY($3::bigint[]) ORDER BY c.id`,
    [campaign.id, channel.id, contacts.map((contact) => contact.id)],
  );
  return { campaignId: campaign.id, channelId: channel.id, listId: list.id };
}

/** What the report must say, computed the slow way: GROUP BY over the recipients. */
export async function groundTruth(dataSource: DataSource, campaignId: string) {
  const statuses: Array<{ status: string; n: number }> = await dataSource.query(
    'SELECT status, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY status',
    [campaignId],
  );
  const [reached] = await dataSource.query(
    `SELECT count(sent_at)::int AS sent, count(delivered_at)::int AS delivered, count(read_at)::int AS read, count(*)::int AS total
     FROM campaign_recipients WHERE campaign_id = $1`,
    [campaignId],
  );
  const errors: Array<{ code: number; count: number }> = await dataSource.query(
    `SELECT error_code AS code, count(*)::int AS count FROM campaign_recipients
     WHERE campaign_id = $1 AND status = 'failed' AND error_code IS NOT NULL GROUP BY error_code ORDER BY count(*) DESC, error_code`,
    [campaignId],
  );
  const waiting: Array<{ reason: string; count: number; next: Date }> = await dataSource.query(
    `SELECT waiting_reason AS reason, count(*)::int AS count, min(next_attempt_at) AS next FROM campaign_recipients
     WHERE campaign_id = $1 AND status = 'pending' AND waiting_reason IS NOT NULL GROUP BY waiting_reason ORDER BY count(*) DESC, waiting_reason`,
    [campaignId],
  );
  const counts: Record<string, number> = {
    pending: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0, unknown: 0,
  };
  for (const row of statuses) counts[row.status] = row.n;
  return {
    total: reached.total as number,
    counts,
    reached: { sent: reached.sent as number, delivered: reached.delivered as number, read: reached.read as number },
    errors,
    waiting: waiting.map((row) => ({ reason: row.reason, count: row.count, nextAttemptAt: new Date(row.next).toISOString() })),
  };
}
