import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { waitFor } from './fixtures.js';
import { closeEngines, expectEachOnce, scheduleSharedCampaign, startTwoEngines, waitForCompletion } from './multi-engine.js';

// Two engines on one database (in-process limiters; the Redis suite covers the shared rate).
describe('two engines on one database', () => {
  let sandbox: Sandbox;
  let engines: [TestApp, TestApp];

  beforeAll(async () => {
    sandbox = await createSandbox();
    engines = await startTwoEngines({ SCHEDULER_INTERVAL_MS: '100', SENDER_BATCH_SIZE: '25' });
  });
  afterAll(async () => {
    await closeEngines(engines);
    await sandbox.close();
  });

  it('launch a scheduled campaign once and send each recipient exactly once', async () => {
    const count = 600;
    const { campaignId, waIds } = await scheduleSharedCampaign(engines[0], sandbox, {
      apiKey: 'two-engines',
      count,
      firstPhone: 4915200000000,
      messagesPerSecond: 400,
      dueInMs: 1000,
    });
    const statuses = await waitForCompletion(engines[1], campaignId, count, 30_000);
    expect(statuses.sending ?? 0).toBe(0);
    expect(statuses.pending ?? 0).toBe(0);
    expectEachOnce(sandbox, waIds);
    const [campaign] = (await engines[0].dataSource.query('SELECT count(*)::int AS recipients FROM campaign_recipients WHERE campaign_id = $1', [
      campaignId,
    ])) as Array<{ recipients: number }>;
    expect(campaign.recipients).toBe(count);
  });

  it('an engine shut down mid-campaign stops sending before its HTTP client closes; the others send the rest, each once', async () => {
    // Slow answers keep sends in flight while the third engine shuts down. Before the fix its sender
    // kept dispatching batches after the HTTP client had closed: each failed as a transient error,
    // was counted as an attempt and sent again later by another engine (attempts = 2).
    sandbox.reset();
    sandbox.configure({ responseDelayMs: 300 });
    const third = await createTestApp({ databaseUrl: engines[0].databaseUrl, env: { SCHEDULER_INTERVAL_MS: '100', SENDER_BATCH_SIZE: '25' } });
    try {
      const count = 150;
      const { campaignId, waIds } = await scheduleSharedCampaign(engines[0], sandbox, {
        apiKey: 'engine-shutdown',
        count,
        firstPhone: 4915250000000,
        // Slow enough (3 engines × 20/s at most: 2.5 s or more for 150) that the shutdown starts mid-campaign
        // even when a loaded machine stalls the probe below; mid-campaign is judged when the shutdown
        // starts, not when it ends (the other engines keep sending while it drains its in-flight sends).
        messagesPerSecond: 20,
        dueInMs: 300,
      });
      await waitFor('sends under way', async () => sandbox.stats().accepted >= 20, 20_000, 20);
      const acceptedAtShutdown = sandbox.stats().accepted;
      await third.close();
      expect(acceptedAtShutdown).toBeLessThan(count);
      await waitForCompletion(engines[0], campaignId, count, 60_000);
      expectEachOnce(sandbox, waIds);
      const attempts = (await engines[0].dataSource.query(
        'SELECT attempts, count(*)::int AS recipients FROM campaign_recipients WHERE campaign_id = $1 GROUP BY attempts',
        [campaignId],
      )) as Array<{ attempts: number; recipients: number }>;
      expect(attempts).toEqual([{ attempts: 1, recipients: count }]);
    } finally {
      sandbox.configure({ responseDelayMs: 0 });
    }
  }, 90_000);
});
