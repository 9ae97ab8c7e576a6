import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { channelAt, launchCampaign, pollAt } from './claims-helpers.js';
import { seedList } from './fixtures.js';

/**
 * Issue 14, pacing within the messaging limit: the remaining 24 h budget is spread over the time until
 * the oldest counted conversation leaves the window. Driven by an injected clock (the engine's own
 * sender loop is off): no wall-clock timing.
 */
describe('pacing within the messaging limit', () => {
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

  /** `count` conversations of other people, all started at `at`, counted against the channel's limit. */
  async function seedConversations(channelId: string, count: number, at: Date): Promise<void> {
    await engine.dataSource.query(
      `INSERT INTO channel_conversations (channel_id, wa_id, started_at) SELECT $1, '99' || g, $3 FROM generate_series(1, $2) g`,
      [channelId, count, at],
    );
  }

  const phones = (count: number, base: number) => Array.from({ length: count }, (_, i) => `+49152${String(base + i).padStart(8, '0')}`);

  it('sends at the planned pace, minute after minute (within 20 %), and never above the limit', async () => {
    const channelId = await channelAt(engine, sandbox, { messagingLimit: 1000 });
    const numbers = phones(150, 1000);
    const { listId } = await seedList(engine.dataSource, 'paced', numbers.map((phone) => ({ phone })));
    await launchCampaign(engine, { channelId, listId });
    // The clock starts an hour ahead of the database's; 880 of 1,000 used, the oldest leaves in 10 min:
    // 120 conversations over 10 minutes is a planned pace of 12 a minute.
    const start = Date.now() + 3_600_000;
    await seedConversations(channelId, 880, new Date(start - (23 * 60 + 50) * 60_000));
    const planned = 12;
    const reached = () => numbers.filter((phone) => sandbox.acceptedFor(phone.slice(1)) > 0).length;
    const perMinute: number[] = [];
    let before = 0;
    for (let minute = 0; minute < 8; minute += 1) {
      for (let second = 0; second < 60; second += 2) await pollAt(engine, new Date(start + (minute * 60 + second) * 1_000));
      const now = reached();
      perMinute.push(now - before);
      before = now;
      const [window] = (await engine.dataSource.query(
        `SELECT count(*)::int AS n FROM channel_conversations WHERE channel_id = $1 AND started_at > $2::timestamptz - interval '24 hours'`,
        [channelId, new Date(start + minute * 60_000 + 59_000)],
      )) as Array<{ n: number }>;
      expect(window.n).toBeLessThanOrEqual(1000);
    }
    for (const sent of perMinute) {
      expect(sent).toBeGreaterThanOrEqual(planned * 0.8);
      expect(sent).toBeLessThanOrEqual(planned * 1.2);
    }
    // Nobody got a message twice.
    for (const phone of numbers) expect(sandbox.acceptedFor(phone.slice(1))).toBeLessThanOrEqual(1);
  });

  it('recipients inside an open customer-service window do not use the budget', async () => {
    const channelId = await channelAt(engine, sandbox, { messagingLimit: 50 });
    const numbers = phones(5, 2000);
    const { listId } = await seedList(engine.dataSource, 'service window', numbers.map((phone) => ({ phone })));
    // Three of them wrote to us within the last 24 h.
    await engine.dataSource.query(`UPDATE contacts SET last_inbound_at = now() WHERE phone = ANY($1::text[])`, [numbers.slice(0, 3)]);
    const campaignId = await launchCampaign(engine, { channelId, listId });
    const start = Date.now() + 60_000;
    // The whole budget is used up by others.
    await seedConversations(channelId, 50, new Date(start - 3_600_000));
    await pollAt(engine, new Date(start));
    await pollAt(engine, new Date(start + 1_000));
    expect(numbers.map((phone) => sandbox.acceptedFor(phone.slice(1)))).toEqual([1, 1, 1, 0, 0]);
    const waiting = (await engine.dataSource.query(
      `SELECT count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 AND status = 'pending' AND waiting_reason = 'messaging_limit'`,
      [campaignId],
    )) as Array<{ n: number }>;
    expect(waiting[0].n).toBe(2);
    const [conversations] = (await engine.dataSource.query('SELECT count(*)::int AS n FROM channel_conversations WHERE channel_id = $1', [channelId])) as Array<{
      n: number;
    }>;
    expect(conversations.n).toBe(50);
  });
});
