/**
 * `npm run sandbox`: a fake 360dialog for local runs, demos and benchmarks. A separate program from the
 * engine, so it reads its own environment here:
 *   SANDBOX_PORT (3360), SANDBOX_HOST (127.0.0.1),
 *   SANDBOX_KEYS  "key:cloud,key2:onpremise" (default: sandbox-cloud-key:cloud,sandbox-onpremise-key:onpremise),
 *   SANDBOX_MPS   messages per second per key (unset = unlimited),
 *   SANDBOX_STATUSES "sent,delivered,read", SANDBOX_RESPONSE_DELAY_MS (0),
 *   SANDBOX_TEMPLATES_FILE  a JSON file with the templates to list and check sends against (a list, or
 *     {"templates":[…]}; default: default-templates.ts).
 * Everything else is driven at run time through the /_sandbox/ admin endpoints.
 */
import { readFileSync } from 'node:fs';
import { createSandbox, type Generation, type SandboxTemplate, type StatusName } from './sandbox.js';

function parseKeys(raw: string): Record<string, Generation> {
  const keys: Record<string, Generation> = {};
  for (const entry of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
    const separator = entry.lastIndexOf(':');
    const generation = entry.slice(separator + 1);
    if (separator <= 0 || (generation !== 'cloud' && generation !== 'onpremise')) {
      throw new Error(`SANDBOX_KEYS entry "${entry}" must look like key:cloud or key:onpremise`);
    }
    keys[entry.slice(0, separator)] = generation;
  }
  return keys;
}

function optionalInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function templatesFromFile(): SandboxTemplate[] | undefined {
  const file = process.env.SANDBOX_TEMPLATES_FILE;
  if (!file) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const templates = Array.isArray(parsed) ? parsed : (parsed as { templates?: unknown } | null)?.templates;
  if (!Array.isArray(templates)) throw new Error(`SANDBOX_TEMPLATES_FILE ${file} must hold a list of templates or {"templates":[…]}`);
  return templates as SandboxTemplate[];
}

async function main(): Promise<void> {
  const keys = parseKeys(process.env.SANDBOX_KEYS ?? 'sandbox-cloud-key:cloud,sandbox-onpremise-key:onpremise');
  const templates = templatesFromFile();
  const statuses = process.env.SANDBOX_STATUSES?.split(',').map((status) => status.trim()).filter(Boolean) as Array<Exclude<StatusName, 'failed'>> | undefined;
  const sandbox = await createSandbox({
    port: optionalInteger('SANDBOX_PORT') ?? 3360,
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    keys,
    messagesPerSecond: optionalInteger('SANDBOX_MPS') ?? null,
    responseDelayMs: optionalInteger('SANDBOX_RESPONSE_DELAY_MS') ?? 0,
    ...(statuses ? { statuses } : {}),
    ...(templates ? { templates } : {}),
    partner: { partnerId: process.env.SANDBOX_PARTNER_ID ?? 'sandbox-partner', token: process.env.SANDBOX_PARTNER_TOKEN ?? 'sandbox-partner-token' },
    log: (line) => console.log(`[sandbox] ${line}`),
  });
  console.log(`360dialog sandbox listening on ${sandbox.url}`);
  for (const [key, generation] of Object.entries(keys)) {
    console.log(`  ${generation.padEnd(9)} key ${key}  → channel baseUrl ${sandbox.url}`);
  }
  console.log(`  Partner API: PARTNER_API_URL=${sandbox.url}/api/v2 (its id and token: SANDBOX_PARTNER_ID / SANDBOX_PARTNER_TOKEN, default sandbox-partner / sandbox-partner-token)`);
  console.log(`  admin: GET ${sandbox.url}/_sandbox/stats, POST /_sandbox/config, /_sandbox/keys (PATCH: phoneNumber, marketingMessagesEligible, partnerChannelId), /_sandbox/failures, /_sandbox/inbound, /_sandbox/templates, /_sandbox/reset`);

  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
