import request from 'supertest';
import { OutcomeWriter } from '../src/sender/outcome-writer.js';
import { BatchSender } from '../src/sender/batch-sender.js';
import { SenderService } from '../src/sender/sender.service.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import type { TestApp } from './app.js';
import { createChannel, waitFor } from './fixtures.js';

/** Helpers for the claim-rule specs (pacing, frequency cap, recipient-local windows): an engine whose own sender loop is off, driven by an injected clock. */

export const template = { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] };

let keys = 0;

export async function channelAt(engine: TestApp, sandbox: Sandbox, options: Record<string, unknown> = {}): Promise<string> {
  keys += 1;
  const apiKey = `claims-key-${keys}-${Math.random().toString(36).slice(2, 8)}`;
  sandbox.addKey(apiKey, 'cloud');
  const channel = await createChannel(engine, {
    name: `claims ${keys}`,
    phoneNumber: '+4930123456',
    apiKey,
    apiGeneration: 'cloud',
    baseUrl: sandbox.url,
    messagesPerSecond: 200,
    ...options,
  });
  return channel.id;
}

export async function launchCampaign(engine: TestApp, body: Record<string, unknown>): Promise<string> {
  const response = await request(engine.url)
    .post('/v1/campaigns')
    .set(engine.auth)
    .send({ name: 'Claims', template, scheduledAt: new Date().toISOString(), ...body })
    .expect(201);
  const id = response.body.id as string;
  await waitFor('launch', async () => ((await request(engine.url).get(`/v1/campaigns/${id}`).set(engine.auth)).body as { status: string }).status === 'running');
  return id;
}

/** One poll of the sender at `at`, and everything it sent answered and written. */
export async function pollAt(engine: TestApp, at: Date): Promise<void> {
  await engine.app.get(SenderService).poll(at);
  await engine.app.get(BatchSender).settle();
  await engine.app.get(OutcomeWriter).flush();
}

export async function report(engine: TestApp, campaignId: string) {
  return (await request(engine.url).get(`/v1/campaigns/${campaignId}/report`).set(engine.auth).expect(200)).body as {
    counts: Record<string, number>;
    waiting: Array<{ reason: string; count: number; nextAttemptAt: string | null }>;
  };
}

export async function recipientRows(engine: TestApp, campaignId: string) {
  return (await engine.dataSource.query(
    `SELECT wa_id, status, waiting_reason, skip_reason, next_attempt_at, timezone FROM campaign_recipients WHERE campaign_id = $1 ORDER BY wa_id`,
    [campaignId],
  )) as Array<{ wa_id: string; status: string; waiting_reason: string | null; skip_reason: string | null; next_attempt_at: Date; timezone: string | null }>;
}
