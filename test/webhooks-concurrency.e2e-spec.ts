import { randomInt } from 'node:crypto';
import { createTestApp, type TestApp } from './app.js';
import { groundTruth } from './report-fixtures.js';
import {
  type ChannelFixture,
  cloudStatuses,
  countersAndTruth,
  insertCampaign,
  insertChannel,
  insertRecipient,
  onPremiseStatuses,
  postWebhook,
  type RecipientFixture,
  waitFor,
} from './webhooks-fixtures.js';

const RECIPIENTS = 300;
const POSTERS = 16;
const T0 = 1_767_000_000;
const RANK: Record<string, number> = { sent: 1, failed: 2, delivered: 3, read: 4 };
const ERRORS = [
  { code: 131026, title: 'Message undeliverable' },
  { code: 131000, title: 'Something went wrong' },
  { code: 131047, title: 'Re-engagement message' },
];

interface Event {
  recipient: RecipientFixture;
  status: string;
  timestamp: number;
  error?: { code: number; title: string };
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}

/**
 * Counts add up under concurrent webhook updates, through the real receiver and processor: 16
 * connections post every status of 300 messages — random subsets of sent/delivered/read/failed, with
 * duplicates, in random order, single and multi-status bodies, both generations — to an engine that
 * processes them (ROLE=all) while a second worker on the same database competes for the same inbox.
 * Meanwhile the report is polled: every answer must add up. At the end the report equals what the
 * forward-only rules say each recipient must be, and a GROUP BY over the recipients.
 */
describe('report under concurrent webhook updates (receiver + processors)', () => {
  let engine: TestApp;
  let worker: TestApp;
  let channel: ChannelFixture;
  let campaignId: string;
  const recipients: RecipientFixture[] = [];

  beforeAll(async () => {
    engine = await createTestApp({ env: { WEBHOOK_PROCESSOR_BATCH_SIZE: '50', SENDER_ENABLED: 'false' } });
    worker = await createTestApp({ databaseUrl: engine.databaseUrl, env: { ROLE: 'worker', WEBHOOK_PROCESSOR_BATCH_SIZE: '30', SENDER_ENABLED: 'false' } });
    channel = await insertChannel(engine.dataSource);
    campaignId = await insertCampaign(engine.dataSource, channel.id);
    for (let index = 0; index < RECIPIENTS; index++) recipients.push(await insertRecipient(engine.dataSource, campaignId, channel.id));
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await engine?.close();
  });

  const post = (body: unknown) => postWebhook(engine.url, channel, JSON.stringify(body));

  it('every report adds up while statuses pour in, and the final one is what the rules say', async () => {
    // What 360dialog sends: per message a random non-empty subset of statuses, some twice.
    const events: Event[] = [];
    const expected = new Map<string, { status: string; delivered: boolean; read: boolean; error?: { code: number; title: string } }>();
    for (const [index, recipient] of recipients.entries()) {
      const statuses = (['sent', 'delivered', 'read', 'failed'] as const).filter(() => Math.random() < 0.5);
      if (statuses.length === 0) statuses.push((['delivered', 'failed'] as const)[index % 2]);
      const error = ERRORS[index % ERRORS.length];
      for (const status of statuses) {
        const event = { recipient, status, timestamp: T0 + RANK[status] * 10, ...(status === 'failed' ? { error } : {}) };
        events.push(event);
        if (Math.random() < 0.3) events.push({ ...event }); // a duplicate
      }
      const final = statuses.reduce((best, status) => (RANK[status] > RANK[best] ? status : best), 'sent' as string);
      expected.set(recipient.id, {
        status: final,
        delivered: statuses.some((status) => status === 'delivered' || status === 'read'),
        read: statuses.includes('read'),
        ...(final === 'failed' ? { error } : {}),
      });
    }
    shuffle(events);

    // Bodies of 1–4 events each, Cloud or On-Premise.
    const bodies: unknown[] = [];
    for (let index = 0; index < events.length; ) {
      const size = 1 + randomInt(4);
      const slice = events.slice(index, index + size);
      index += size;
      const statuses = slice.map((event) => ({
        id: event.recipient.messageId!,
        status: event.status,
        timestamp: event.timestamp,
        ...(event.error ? { errors: [event.error] } : {}),
      }));
      bodies.push(Math.random() < 0.5 ? cloudStatuses(statuses) : onPremiseStatuses(statuses));
    }

    let posting = true;
    const reports: Array<Record<string, any>> = [];
    const poll = async () => {
      while (posting) {
        const response = await fetch(`${engine.url}/v1/campaigns/${campaignId}/report`, { headers: engine.auth });
        expect(response.status).toBe(200);
        reports.push((await response.json()) as Record<string, any>);
      }
    };
    const pollers = [poll(), poll()];
    const queue = [...bodies];
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: POSTERS }, async () => {
        for (let body = queue.shift(); body !== undefined; body = queue.shift()) {
          statuses.push(await post(body));
          if (Math.random() < 0.2) await new Promise((resolve) => setTimeout(resolve, randomInt(5)));
        }
      }),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    // Everything received is applied (a status for a known message never waits for a retry).
    await waitFor(
      async () => (await engine.dataSource.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE state <> 'processed' AND channel_id = $1`, [channel.id]))[0].n,
      (n: number) => n === 0,
      30_000,
    );
    posting = false;
    await Promise.all(pollers);

    expect(reports.length).toBeGreaterThan(5);
    expect(new Set(reports.map((report) => JSON.stringify(report.counts))).size).toBeGreaterThan(2); // the numbers moved while polled
    for (const report of reports) {
      const counts = report.counts as Record<string, number>;
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(report.total);
      expect(report.total).toBe(RECIPIENTS);
      expect(report.reached.sent).toBeGreaterThanOrEqual(report.reached.delivered);
      expect(report.reached.delivered).toBeGreaterThanOrEqual(report.reached.read);
      expect((report.errors as Array<{ count: number }>).reduce((a, error) => a + error.count, 0)).toBe(counts.failed);
    }

    // The final report: what the forward-only rules say, from the counters, equal to a GROUP BY.
    const final = (await (await fetch(`${engine.url}/v1/campaigns/${campaignId}/report`, { headers: engine.auth })).json()) as Record<string, any>;
    const want = { sent: 0, delivered: 0, read: 0, failed: 0 } as Record<string, number>;
    const wantErrors = new Map<number, number>();
    for (const entry of expected.values()) {
      want[entry.status]++;
      if (entry.error) wantErrors.set(entry.error.code, (wantErrors.get(entry.error.code) ?? 0) + 1);
    }
    expect(final.counts).toMatchObject(want);
    expect(final.reached).toEqual({
      sent: RECIPIENTS,
      delivered: [...expected.values()].filter((entry) => entry.delivered).length,
      read: [...expected.values()].filter((entry) => entry.read).length,
    });
    expect(new Map(final.errors.map((error: { code: number; count: number }) => [error.code, error.count]))).toEqual(wantErrors);
    const truth = await groundTruth(engine.dataSource, campaignId);
    expect(final.counts).toEqual(truth.counts);
    expect(final.reached).toEqual(truth.reached);
    const { counters, truth: rows } = await countersAndTruth(engine.dataSource, campaignId);
    expect(counters).toEqual(rows);

    // Each recipient, row by row: its state, and an error only while it is failed.
    const actual: Array<{ id: string; status: string; error_code: number | null; failed_at: Date | null; delivered_at: Date | null; read_at: Date | null }> =
      await engine.dataSource.query(
        `SELECT id::text AS id, status, error_code, failed_at, delivered_at, read_at FROM campaign_recipients WHERE campaign_id = $1`,
        [campaignId],
      );
    for (const row of actual) {
      const entry = expected.get(row.id)!;
      expect({ id: row.id, status: row.status, errorCode: row.error_code, failed: row.failed_at !== null, delivered: row.delivered_at !== null, read: row.read_at !== null }).toEqual({
        id: row.id,
        status: entry.status,
        errorCode: entry.error?.code ?? null,
        failed: entry.status === 'failed',
        delivered: entry.delivered,
        read: entry.read,
      });
    }
    // and no event was applied twice: one history row per (message, status)
    const [{ duplicates }] = await engine.dataSource.query(
      `SELECT count(*)::int AS duplicates FROM (SELECT 1 FROM message_events GROUP BY message_id, status HAVING count(*) > 1) d`,
    );
    expect(duplicates).toBe(0);
  }, 90_000);
});
