import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import type { TestApp } from './app.js';
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
});
