import { runJourney } from '../scripts/lib/journey.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { createTestApp, type TestApp } from './app.js';

// The README's journey over real HTTP (the script `npm run demo` runs), for both API generations:
// CSV upload → contacts → scheduled campaign → throttled sends to the sandbox → status webhooks → report.
const CSV = [
  'phone,first_name,last_name,opted_in_at',
  '+4915112345678,Maria,Schmidt,2026-01-10',
  '0151 2345 6789,Jonas,Weber,2026-01-11',
  '0049 151 3456 7890,Aylin,,2026-01-12',
  '+4915145678901,,Novak,2026-01-13',
  '+49 151 1234 5678,Maria,Schmidt,2026-01-10',
  '12ab,Broken,Number,2026-01-14',
  '+4915156789012,Lena,"Meyer, Dr.",2026-01-15',
].join('\r\n');
const VALID = ['4915112345678', '4915123456789', '4915134567890', '4915145678901', '4915156789012'];
const UNDELIVERABLE = '4915156789012';

describe('the whole journey over HTTP', () => {
  let sandbox: Sandbox;
  let engine: TestApp;

  beforeAll(async () => {
    sandbox = await createSandbox();
    engine = await createTestApp();
  });
  afterAll(async () => {
    await engine.close();
    await sandbox.close();
  });

  it.each(['cloud', 'onpremise'] as const)('%s: each valid contact gets one message and the report adds up', async (generation) => {
    sandbox.reset();
    const result = await runJourney({
      engine: { url: engine.url, token: engine.token },
      sandbox,
      generation,
      apiKey: `journey-${generation}`,
      csv: CSV,
      listName: `journey ${generation}`,
      undeliverable: [UNDELIVERABLE],
    });

    // Contacts are shared by all channels: the second run finds the five from the first and updates them.
    const [imported, updated] = generation === 'cloud' ? [5, 0] : [0, 5];
    expect(result.import).toMatchObject({ status: 'completed', totalRows: 7, imported, updated, duplicates: 1, rejected: 1 });
    expect(result.import.errors).toEqual([{ line: 7, value: '12ab', reason: 'invalid phone number' }]);

    for (const waId of VALID) expect(sandbox.acceptedFor(waId)).toBe(1);
    expect(sandbox.stats()).toMatchObject({ accepted: 5, duplicateMessages: 0, throttled: 0 });
    const [fallback] = sandbox.recentMessages({ to: '4915145678901' });
    expect(fallback.components).toEqual([{ type: 'body', parameters: [{ type: 'text', text: 'there' }] }]);

    const { report } = result;
    expect(report).toMatchObject({ status: 'completed', total: 5 });
    expect(report.counts).toMatchObject({ read: 4, failed: 1, pending: 0, sending: 0, sent: 0, delivered: 0 });
    expect(Object.values(report.counts).reduce((sum, n) => sum + n, 0)).toBe(report.total);
    expect(report.reached).toMatchObject({ delivered: 4, read: 4 });
    expect(report.errors).toEqual([expect.objectContaining({ code: 131026, count: 1 })]);
    expect(report.timeline.firstSentAt).toEqual(expect.any(String));

    const lines = result.csv.trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^phone,status,message_id,error_code,error_title,sent_at,delivered_at,read_at,failed_at/);
    expect(lines).toHaveLength(6);
    expect(lines.filter((line) => line.includes(',read,'))).toHaveLength(4);
  });
});
