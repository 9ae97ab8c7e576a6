import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { freePort } from './engine-process.js';

export interface BenchPostgres {
  adminUrl: string;
  label: string;
  /** Stops (and removes) the server when the bench started it; nothing for a server that was already there. */
  stop: () => Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A PostgreSQL server to create a bench database on: DATABASE_URL or the local server when one answers,
 * else an embedded one in a temporary folder named after the bench (`wa-bench-<name>-pg-…`).
 */
export async function benchPostgres(name: string): Promise<BenchPostgres> {
  for (const url of [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter((u): u is string => !!u)) {
    if (await reachable(url)) return { adminUrl: url, label: `PostgreSQL at ${new URL(url).host}`, stop: async () => undefined };
  }
  const dataDir = mkdtempSync(join(tmpdir(), `wa-bench-${name}-pg-`));
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
  return {
    adminUrl: embedded.url,
    label: 'embedded PostgreSQL (no server answered at 127.0.0.1:5432)',
    stop: async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
