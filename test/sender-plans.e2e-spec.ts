import { randomUUID } from 'node:crypto';
import { CLAIM_PICKED } from '../src/campaigns/recipient-claim.queries.js';
import { BY_ID_PLAN_SETTINGS, RECORD_ACCEPTED, RECORD_FAILED, RECORD_UNKNOWN, REQUEUE } from '../src/campaigns/recipient-sends.queries.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { channelAt, launchCampaign } from './claims-helpers.js';
import { seedList } from './fixtures.js';

/**
 * Issue 18: the sender's set-based writes reach their rows by primary key, whatever the table's size
 * and statistics. Right after a launch the statistics are stale (autovacuum has not run yet): joined on
 * `r.id = v.id` alone, the outcome writes hashed their batch and read the whole table (45–75 ms per
 * 1,000 outcomes at 40,000 rows, growing with the table), and the claim read every pending row of the
 * due index to find the ones it had just locked.
 */
describe('sender statements: plans', () => {
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  it('outcome writes and the claim probe the primary key for a batch of 1,000 among 20,000 fresh rows', async () => {
    const list = await seedList(engine.dataSource, 'plans', [{ phone: '+4915700000001' }]);
    const channelId = await channelAt(engine, sandbox);
    const campaignId = await launchCampaign(engine, { channelId, listId: list.listId });
    // In a transaction rolled back at the end: the rows never reach the other tests, and no ANALYZE has seen them.
    const runner = engine.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO campaign_recipients (campaign_id, channel_id, contact_id, phone, wa_id, status, next_attempt_at)
         SELECT $1, $2, 900000000 + g, '+49158' || g, '49158' || g, 'pending', now() FROM generate_series(1, 20000) g`,
        [campaignId, channelId],
      );
      const rows: Array<{ id: string }> = await runner.query(`SELECT id FROM campaign_recipients WHERE campaign_id = $1 ORDER BY id DESC LIMIT 1000`, [campaignId]);
      const ids = rows.map((row) => row.id);
      const claims = ids.map(() => randomUUID());
      const many = <T>(value: T) => ids.map(() => value);
      // As claimForSending and recordSendOutcomes run them: after BY_ID_PLAN_SETTINGS.
      const statements: Array<[string, string, unknown[]]> = [
        ['claim', CLAIM_PICKED, [ids, 60, randomUUID(), new Date(), [campaignId], [null], [null], [true], null, [null], 3600]],
        ['accepted', RECORD_ACCEPTED, [ids, ids.map((id) => `wamid.${id}`), many(new Date().toISOString())]],
        ['failed', RECORD_FAILED, [ids, claims, many(131026), many('undeliverable')]],
        ['requeued', REQUEUE, [ids, claims, many(1000), many(0), many('retry'), many(null), many(null)]],
        ['unknown', RECORD_UNKNOWN, [ids, claims, many('no answer')]],
      ];
      await runner.query(BY_ID_PLAN_SETTINGS);
      for (const [name, sql, parameters] of statements) {
        const plan: Array<{ 'QUERY PLAN': string }> = await runner.query(`EXPLAIN ${sql}`, parameters);
        const text = plan.map((line) => line['QUERY PLAN']).join('\n');
        expect({ name, seqScan: /Seq Scan on campaign_recipients/.test(text), dueIndex: text.includes('ix_campaign_recipients_due') }).toEqual({
          name,
          seqScan: false,
          dueIndex: false,
        });
      }
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
