import request from 'supertest';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';
import { createChannel, recipientStatuses, seedBulkList, waitFor } from './fixtures.js';

/**
 * Two engines (ROLE=all: scheduler, sender, webhook processor each) on one database, as two instances
 * behind a load balancer would run. Each keeps its own HTTP server, pool, scheduler and limiters.
 */
export async function startTwoEngines(env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const first = await createTestApp({ env });
  const second = await createTestApp({ databaseUrl: first.databaseUrl, env });
  return [first, second];
}

export async function closeEngines(engines: TestApp[]): Promise<void> {
  // The second engine shares the first one's database: close it first, then the one that drops it.
  for (const engine of [...engines].reverse()) await engine.close();
}

export interface SharedCampaign {
  campaignId: string;
  waIds: string[];
}

/** A channel on the sandbox, its webhook, a list of `count` contacts and a campaign due in `dueInMs`. */
export async function scheduleSharedCampaign(
  engine: TestApp,
  sandbox: Sandbox,
  options: { apiKey: string; count: number; firstPhone: number; messagesPerSecond: number; dueInMs: number },
): Promise<SharedCampaign> {
  sandbox.addKey(options.apiKey, 'cloud');
  const channel = await createChannel(engine, {
    name: options.apiKey,
    phoneNumber: '+4930123456',
    apiKey: options.apiKey,
    apiGeneration: 'cloud',
    baseUrl: sandbox.url,
    messagesPerSecond: options.messagesPerSecond,
  });
  await request(engine.url).post(`/v1/channels/${channel.id}/webhook`).set(engine.auth).expect(200);
  const listId = await seedBulkList(engine.dataSource, options.apiKey, options.count, options.firstPhone);
  const { body } = await request(engine.url)
    .post('/v1/campaigns')
    .set(engine.auth)
    .send({
      name: 'Shared',
      channelId: channel.id,
      listId,
      template: { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] },
      scheduledAt: new Date(Date.now() + options.dueInMs).toISOString(),
    })
    .expect(201);
  const waIds = Array.from({ length: options.count }, (_, i) => String(options.firstPhone + i + 1));
  return { campaignId: body.id as string, waIds };
}

/** Waits until the campaign completed and every recipient was answered by the sandbox. */
export async function waitForCompletion(engine: TestApp, campaignId: string, count: number, timeoutMs: number): Promise<Record<string, number>> {
  await waitFor(
    'completion',
    async () => ((await request(engine.url).get(`/v1/campaigns/${campaignId}`).set(engine.auth)).body as { status: string }).status === 'completed',
    timeoutMs,
  );
  const statuses = await recipientStatuses(engine.dataSource, campaignId);
  expect(Object.values(statuses).reduce((sum, n) => sum + n, 0)).toBe(count);
  return statuses;
}

export function expectEachOnce(sandbox: Sandbox, waIds: string[]): void {
  const accepted = sandbox.acceptedByWaId();
  const wrong = waIds.filter((waId) => accepted.get(waId) !== 1).map((waId) => `${waId}×${accepted.get(waId) ?? 0}`);
  expect(wrong).toEqual([]);
  expect(sandbox.stats().duplicateMessages).toBe(0);
}
