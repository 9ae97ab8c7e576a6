/**
 * `npm run demo`: the README's journey, run by itself. Starts the 360dialog sandbox and the built engine
 * (on DATABASE_URL when set, else its embedded PostgreSQL in a temporary folder), then for a Cloud and an
 * On-Premise channel: creates the channel, registers its webhook, uploads a small CSV, schedules a
 * campaign for now and prints the delivery report once every recipient has reached a final state.
 */
import { createSandbox } from '../src/sandbox/sandbox.js';
import { startEngine } from './lib/engine-process.js';
import { runJourney } from './lib/journey.js';

const CSV = [
  'phone,first_name,last_name,opted_in_at,city',
  '+4915112345678,Maria,Schmidt,2026-01-10,Berlin',
  '0151 2345 6789,Jonas,Weber,2026-01-11,Hamburg',
  '0049 151 3456 7890,Aylin,,2026-01-12,Köln',
  '+4915145678901,,Novak,2026-01-13,München',
  '+49 151 1234 5678,Maria,Schmidt,2026-01-10,Berlin',
  '12ab,Broken,Number,2026-01-14,Bonn',
  '+4915156789012,Lena,"Meyer, Dr.",2026-01-15,Leipzig',
].join('\n');
const UNDELIVERABLE = ['4915156789012'];

async function main(): Promise<void> {
  const sandbox = await createSandbox({ statusDelaysMs: { sent: 50, delivered: 200, read: 500 } });
  const engine = await startEngine({ databaseUrl: process.env.DATABASE_URL });
  console.log(`sandbox ${sandbox.url}, engine ${engine.url} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})\n`);
  try {
    for (const generation of ['cloud', 'onpremise'] as const) {
      console.log(`── ${generation === 'cloud' ? 'Cloud API' : 'On-Premise API'} ──`);
      sandbox.reset(); // counts per channel: both channels message the same people
      const result = await runJourney({
        engine,
        sandbox,
        generation,
        apiKey: `demo-${generation}-key`,
        csv: CSV,
        listName: `customers-${generation}`,
        undeliverable: UNDELIVERABLE,
        log: (line) => console.log(`  ${line}`),
      });
      for (const error of result.import.errors) console.log(`     rejected line ${error.line} (${error.value}): ${error.reason}`);
      const stats = sandbox.stats();
      console.log(`  the sandbox accepted ${stats.accepted} messages for ${stats.uniqueRecipients} people: ${stats.duplicateMessages} duplicates, ${stats.throttled} throttled\n`);
      console.log(`  GET /v1/campaigns/${result.campaignId}/report`);
      console.log(JSON.stringify(result.report, null, 2).replace(/^/gm, '  '));
      console.log(`\n  GET /v1/campaigns/${result.campaignId}/report.csv`);
      console.log(result.csv.trimEnd().replace(/^/gm, '  '));
      console.log(`\n  the report page: ${engine.url}/campaigns/${result.campaignId} (token ${engine.token})\n`);
    }
  } finally {
    await engine.stop();
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
