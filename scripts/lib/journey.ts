import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { apiClient } from './engine-process.js';

/**
 * The README's journey over real HTTP, as a user's script would run it: create a channel, register its
 * webhook with 360dialog (the sandbox), upload a CSV, schedule a campaign for now, and wait until the
 * report has every recipient in a final state. Shared by `npm run demo` and test/journey.e2e-spec.ts.
 */

export const JOURNEY_NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';

export interface JourneyOptions {
  engine: { url: string; token: string };
  sandbox: Sandbox;
  generation: 'cloud' | 'onpremise';
  /** The sandbox API key to create for this channel. */
  apiKey: string;
  csv: string;
  listName: string;
  /** The channel's rate (80 when not given). */
  messagesPerSecond?: number;
  /** wa_ids the sandbox accepts and then reports `failed` for, with 131026. */
  undeliverable?: string[];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface JourneyImport {
  id: string;
  status: string;
  listId: string;
  totalRows: number;
  imported: number;
  updated: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; value: string | null; reason: string }>;
  failureReason?: string | null;
}

export interface JourneyReport {
  campaignId: string;
  status: string;
  total: number;
  counts: Record<string, number>;
  reached: { sent: number; delivered: number; read: number };
  errors: Array<{ code: number | null; title: string | null; count: number }>;
  timeline: Record<string, string | null>;
}

export interface JourneyResult {
  channelId: string;
  campaignId: string;
  import: JourneyImport;
  report: JourneyReport;
  csv: string;
}

const FINAL_STATES = ['read', 'failed', 'skipped', 'cancelled', 'unknown'];

export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  const { engine, sandbox, generation } = options;
  const api = apiClient(engine);
  const log = options.log ?? (() => undefined);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const waitUntil = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`the journey timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  sandbox.addKey(options.apiKey, generation === 'cloud' ? 'cloud' : { generation: 'onpremise', templateNamespace: JOURNEY_NAMESPACE });
  if (options.undeliverable?.length) {
    const failingNumbers = { ...sandbox.behaviour().failingNumbers };
    for (const waId of options.undeliverable) failingNumbers[waId] = { code: 131026, title: 'Message undeliverable', when: 'webhook' };
    sandbox.configure({ failingNumbers });
  }

  const channel = await api<{ id: string; apiKeyLast4: string; webhook: { url: string } }>('POST', '/v1/channels', {
    name: `${generation} number`,
    phoneNumber: '+4930123456',
    apiKey: options.apiKey,
    apiGeneration: generation,
    baseUrl: sandbox.url,
    messagesPerSecond: options.messagesPerSecond ?? 80,
    ...(generation === 'onpremise' ? { templateNamespace: JOURNEY_NAMESPACE } : {}),
  });
  log(`1. channel ${channel.id} (${generation}, key …${channel.apiKeyLast4}), webhook ${channel.webhook.url}`);

  await api('POST', `/v1/channels/${channel.id}/webhook`);
  log('2. webhook registered with 360dialog (the sandbox)');

  const form = new FormData();
  form.set('file', new Blob([options.csv], { type: 'text/csv' }), 'contacts.csv');
  form.set('list', options.listName);
  form.set('defaultCountry', 'DE');
  form.set('optInSource', 'website');
  const uploaded = await fetch(`${engine.url}/v1/contacts/imports`, { method: 'POST', headers: { authorization: `Bearer ${engine.token}` }, body: form });
  if (uploaded.status !== 202) throw new Error(`POST /v1/contacts/imports → ${uploaded.status} ${await uploaded.text()}`);
  const { id: importId } = (await uploaded.json()) as { id: string };
  const imported = await waitUntil('the import', async () => {
    const state = await api<JourneyImport>('GET', `/v1/contacts/imports/${importId}`);
    return state.status === 'completed' || state.status === 'failed' ? state : undefined;
  });
  if (imported.status !== 'completed') throw new Error(`import ${importId} failed: ${imported.failureReason ?? 'no reason given'}`);
  log(`3. import ${importId}: ${imported.totalRows} rows, ${imported.imported} imported, ${imported.updated} updated, ${imported.duplicates} duplicates, ${imported.rejected} rejected`);

  const campaign = await api<{ id: string; status: string }>('POST', '/v1/campaigns', {
    name: 'Spring sale',
    channelId: channel.id,
    listId: imported.listId,
    template: { name: 'spring_sale', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{first_name|there}}' }] }] },
    scheduledAt: new Date().toISOString(),
  });
  log(`4. campaign ${campaign.id} ${campaign.status}`);

  const report = await waitUntil('every recipient to reach a final state', async () => {
    const current = await api<JourneyReport>('GET', `/v1/campaigns/${campaign.id}/report`);
    const settled = FINAL_STATES.reduce((sum, state) => sum + (current.counts[state] ?? 0), 0);
    return current.status === 'completed' && current.total > 0 && settled === current.total ? current : undefined;
  });
  const csvResponse = await fetch(`${engine.url}/v1/campaigns/${campaign.id}/report.csv`, { headers: { authorization: `Bearer ${engine.token}` } });
  if (!csvResponse.ok) throw new Error(`GET report.csv → ${csvResponse.status}`);
  const csv = await csvResponse.text();
  log(`5. campaign ${report.status}: ${JSON.stringify(report.counts)}`);
  return { channelId: channel.id, campaignId: campaign.id, import: imported, report, csv };
}
