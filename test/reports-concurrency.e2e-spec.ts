import pg from 'pg';
import request from 'supertest';
import { createTestApp, type TestApp } from './app.js';
import { createCampaignFixture, groundTruth } from './report-fixtures.js';

const RECIPIENTS = 3000;
const WRITERS = 4;
const WRITE_MS = 4000;

/** One move of a batch of recipients, as the sender or the webhook processor would write it. */
const MOVES: Array<{ from: string; where?: string; set: string }> = [
  { from: 'pending', where: 'waiting_reason IS NULL', set: "status = 'sending', attempts = attempts + 1" },
  { from: 'pending', where: 'waiting_reason IS NULL', set: "waiting_reason = 'send_window', next_attempt_at = now() + interval '1 hour' + id * interval '1 ms'" },
  { from: 'pending', where: "waiting_reason = 'send_window'", set: 'waiting_reason = NULL, next_attempt_at = now()' },
  { from: 'pending', where: "waiting_reason = 'retry'", set: "status = 'sending', waiting_reason = NULL, attempts = attempts + 1" },
  { from: 'pending', where: 'waiting_reason IS NULL', set: "status = 'skipped', skip_reason = 'missing value for {{first_name}}'" },
  { from: 'sending', set: "status = 'sent', sent_at = clock_timestamp(), message_id = 'wamid.' || id" },
  { from: 'sending', set: "status = 'sent', sent_at = clock_timestamp(), message_id = 'wamid.' || id" },
  {
    from: 'sending',
    set: `status = 'failed', failed_at = clock_timestamp(), error_code = (ARRAY[131026, 131047, 470])[1 + id % 3],
          error_title = (ARRAY['Message undeliverable', 'Re-engagement message', 'Re-engagement: 24h: window'])[1 + id % 3]`,
  },
  { from: 'sending', where: 'id % 7 = 0', set: "status = 'unknown'" },
  { from: 'sent', set: "status = 'delivered', delivered_at = clock_timestamp()" },
  { from: 'sent', set: "status = 'failed', failed_at = clock_timestamp(), error_code = 131026, error_title = 'Message undeliverable'" },
  { from: 'delivered', set: "status = 'read', read_at = clock_timestamp()" },
  // A delivered status after a failure wins (docs/architecture.md § The flow of one recipient).
  { from: 'failed', where: 'id % 2 = 0', set: "status = 'delivered', delivered_at = clock_timestamp(), sent_at = coalesce(sent_at, clock_timestamp())" },
  {
    from: 'failed',
    where: 'id % 2 = 1',
    set: "status = 'pending', waiting_reason = 'retry', next_attempt_at = now() + (id % 60) * interval '1 second', error_code = NULL, error_title = NULL, failed_at = NULL",
  },
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

describe('report under concurrent updates', () => {
  let engine: TestApp;
  let campaignId: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    engine = await createTestApp({ env: { ROLE: 'api', SENDER_ENABLED: 'false' } });
    ({ campaignId } = await createCampaignFixture(engine.dataSource, { recipients: RECIPIENTS }));
    pool = new pg.Pool({ connectionString: engine.databaseUrl, max: WRITERS + 1 });
  }, 60_000);
  afterAll(async () => {
    await pool.end();
    await engine.close();
  });

  /**
   * WRITERS connections run transactions of 1–3 moves (some rolled back) on disjoint recipients
   * (id % WRITERS) for WRITE_MS; `during` runs meanwhile. Deadlocks on the counter shards, which
   * writers of different backends can share, are retried as a real writer would.
   */
  async function whileWriting<T>(during: (writing: () => boolean) => Promise<T>) {
    let writing = true;
    const stats = { commits: 0, rollbacks: 0, retried: 0, moved: 0 };
    const writer = async (slot: number) => {
      const client = await pool.connect();
      try {
        while (writing) {
          try {
            await client.query('BEGIN');
            const moves = 1 + Math.floor(Math.random() * 3);
            let moved = 0;
            for (let index = 0; index < moves; index++) {
              const move = pick(MOVES);
              const result = await client.query(
                `UPDATE campaign_recipients SET ${move.set}
                 WHERE id IN (SELECT id FROM campaign_recipients
                   WHERE campaign_id = $1 AND status = $2 AND id % ${WRITERS} = ${slot} ${move.where ? `AND ${move.where}` : ''}
                   ORDER BY random() LIMIT $3)`,
                [campaignId, move.from, 1 + Math.floor(Math.random() * 40)],
              );
              moved += result.rowCount ?? 0;
            }
            if (Math.random() < 0.1) {
              await client.query('ROLLBACK');
              stats.rollbacks++;
            } else {
              await client.query('COMMIT');
              stats.commits++;
              stats.moved += moved;
            }
          } catch (error) {
            await client.query('ROLLBACK');
            if (!['40P01', '40001'].includes((error as { code?: string }).code ?? '')) throw error;
            stats.retried++;
          }
        }
      } finally {
        client.release();
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, slot) => writer(slot));
    const stopper = new Promise<void>((resolve) => setTimeout(() => resolve(), WRITE_MS)).then(() => {
      writing = false;
    });
    const result = await during(() => writing);
    await Promise.all([stopper, ...writers]);
    return { result, stats };
  }

  it('every report adds up while recipients move, and the final one equals a GROUP BY over the recipients', async () => {
    const { result: reports, stats } = await whileWriting(async (writing) => {
      const seen: Array<Record<string, any>> = [];
      const poll = async () => {
        while (writing()) {
          const { body } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
          seen.push(body);
        }
      };
      await Promise.all([poll(), poll()]);
      return seen;
    });
    expect(stats.commits).toBeGreaterThan(20);
    expect(stats.moved).toBeGreaterThan(500);
    expect(reports.length).toBeGreaterThan(20);

    const distinct = new Set(reports.map((report) => JSON.stringify(report.counts)));
    expect(distinct.size).toBeGreaterThan(5); // the polls really saw the numbers move
    for (const report of reports) {
      const counts = report.counts as Record<string, number>;
      const sum = Object.values(counts).reduce((a, b) => a + b, 0);
      expect(sum).toBe(report.total);
      expect(report.total).toBe(RECIPIENTS);
      expect(report.reached.sent).toBeGreaterThanOrEqual(report.reached.delivered);
      expect(report.reached.delivered).toBeGreaterThanOrEqual(report.reached.read);
      const failedWithCode = (report.errors as Array<{ count: number }>).reduce((a, error) => a + error.count, 0);
      expect(failedWithCode).toBe(counts.failed);
      const waiting = (report.waiting as Array<{ count: number }>).reduce((a, group) => a + group.count, 0);
      expect(waiting).toBeLessThanOrEqual(counts.pending);
    }

    const { body: final } = await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200);
    const truth = await groundTruth(engine.dataSource, campaignId);
    expect(final.total).toBe(truth.total);
    expect(final.counts).toEqual(truth.counts);
    expect(final.reached).toEqual(truth.reached);
    expect(final.errors.map((error: { code: number; count: number }) => ({ code: error.code, count: error.count }))).toEqual(truth.errors);
    expect(final.waiting).toEqual(truth.waiting);
    expect(final.errors.find((error: { code: number }) => error.code === 470)?.title ?? 'Re-engagement: 24h: window').toBe(
      'Re-engagement: 24h: window',
    );
  }, 60_000);

  it('pages through every recipient exactly once while they move', async () => {
    const { result } = await whileWriting(async () => {
      const all: string[] = [];
      const failed: string[] = [];
      let cursor: string | null = null;
      do {
        const response: request.Response = await request(engine.url)
          .get(`/v1/campaigns/${campaignId}/recipients`)
          .query({ limit: 97, ...(cursor ? { cursor } : {}) })
          .set(engine.auth)
          .expect(200);
        all.push(...response.body.items.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
        await new Promise((resolve) => setTimeout(resolve, 60)); // let the writers move rows between pages
      } while (cursor);
      cursor = null;
      do {
        const response: request.Response = await request(engine.url)
          .get(`/v1/campaigns/${campaignId}/recipients`)
          .query({ status: 'failed', limit: 13, ...(cursor ? { cursor } : {}) })
          .set(engine.auth)
          .expect(200);
        for (const item of response.body.items) {
          expect(item.status).toBe('failed');
          failed.push(item.id);
        }
        cursor = response.body.nextCursor;
      } while (cursor);
      return { all, failed };
    });
    const ids: Array<{ id: string }> = await engine.dataSource.query('SELECT id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id', [
      campaignId,
    ]);
    expect(result.all).toEqual(ids.map((row) => row.id));
    expect(new Set(result.failed).size).toBe(result.failed.length);
  }, 60_000);
});
