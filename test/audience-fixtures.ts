import type { DataSource } from 'typeorm';

/** Contacts for audience tests, written straight into the real database (the import has its own tests). */
export interface AudienceContact {
  phone: string;
  firstName?: string;
  country?: string | null;
  attributes?: Record<string, string>;
  /** ISO timestamp; null: never opted in. Default: 2026-02-01. */
  optedInAt?: string | null;
  optedOut?: boolean;
  lastInboundAt?: string | null;
  lists?: string[];
}

export async function createList(dataSource: DataSource, name: string): Promise<string> {
  const [list] = (await dataSource.query('INSERT INTO lists (name) VALUES ($1) RETURNING id', [name])) as Array<{ id: string }>;
  return list.id;
}

/** Inserts the contacts (and their list memberships); returns their ids by phone. */
export async function insertContacts(dataSource: DataSource, contacts: AudienceContact[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const contact of contacts) {
    const [row] = (await dataSource.query(
      `INSERT INTO contacts (phone, wa_id, first_name, country, attributes, opted_in_at, opt_in_source, opted_out_at, last_inbound_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'test', $7, $8) RETURNING id`,
      [
        contact.phone,
        contact.phone.replace(/\D/g, ''),
        contact.firstName ?? null,
        contact.country ?? null,
        JSON.stringify(contact.attributes ?? {}),
        contact.optedInAt === undefined ? '2026-02-01T00:00:00Z' : contact.optedInAt,
        contact.optedOut ? new Date() : null,
        contact.lastInboundAt ?? null,
      ],
    )) as Array<{ id: string }>;
    ids[contact.phone] = row.id;
    for (const listId of contact.lists ?? []) {
      await dataSource.query('INSERT INTO list_members (list_id, contact_id) VALUES ($1, $2)', [listId, row.id]);
    }
  }
  return ids;
}

/**
 * What delivery webhooks and the engagement processing would have recorded for a campaign's recipients,
 * by phone (status, replied_at, clicked_button): audience tests retarget on them.
 */
export async function setRecipientOutcomes(
  dataSource: DataSource,
  campaignId: string,
  outcomes: Record<string, { status: string; replied?: boolean; clickedButton?: string }>,
): Promise<void> {
  for (const [phone, outcome] of Object.entries(outcomes)) {
    const [, changed] = (await dataSource.query(
      `UPDATE campaign_recipients SET status = $3, replied_at = CASE WHEN $4 THEN now() END, clicked_button = $5,
         sent_at = CASE WHEN $3 IN ('sent', 'delivered', 'read') THEN now() END,
         delivered_at = CASE WHEN $3 IN ('delivered', 'read') THEN now() END,
         read_at = CASE WHEN $3 = 'read' THEN now() END
       WHERE campaign_id = $1 AND phone = $2`,
      [campaignId, phone, outcome.status, outcome.replied ?? false, outcome.clickedButton ?? null],
    )) as [unknown, number];
    if (changed !== 1) throw new Error(`no recipient ${phone} in campaign ${campaignId}`);
  }
}
