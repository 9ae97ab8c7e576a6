import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** Helpers for scripts (demo, benchmarks) that run the built engine as a real child process. */

/** The folder holding package.json: this file runs from scripts/lib (tests) and from dist/scripts/lib (scripts). */
function findProjectRoot(): string {
  for (let folder = import.meta.dirname; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (folder === dirname(folder)) throw new Error(`no package.json above ${import.meta.dirname}`);
  }
}

export const ENGINE_MAIN = join(findProjectRoot(), 'dist', 'src', 'main.js');

/**
 * The Node flags `npm start` runs the engine with (package.json; the Dockerfile's CMD has the same):
 * scripts start the engine as users do, heap cap included.
 */
export const ENGINE_NODE_FLAGS: string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(join(findProjectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const match = /\bnode ((?:--\S+ )*)dist\/src\/main\.js/.exec(scripts.start);
  if (!match) throw new Error(`package.json's start script does not run node … dist/src/main.js: ${scripts.start}`);
  return match[1].split(' ').filter(Boolean);
})();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A fresh database on the PostgreSQL named by DATABASE_URL, or on 127.0.0.1:5432 when one answers;
 * undefined when there is none (the engine then starts its embedded PostgreSQL).
 */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface EngineProcess {
  url: string;
  token: string;
  child: ChildProcess;
  /** False once the process has exited, by itself or by a signal. */
  running(): boolean;
  /** Peak resident memory of the engine so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  kill9(): Promise<void>;
}

export interface EngineOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  port?: number;
  token?: string;
  quiet?: boolean;
  /** Node flags for the engine after ENGINE_NODE_FLAGS (so e.g. --max-old-space-size=96 wins). The caller's NODE_OPTIONS is not passed on. */
  nodeOptions?: string[];
}

export async function startEngine(options: EngineOptions): Promise<EngineProcess> {
  const port = options.port ?? (await freePort());
  const token = options.token ?? `script-${randomBytes(12).toString('hex')}`;
  const { NODE_OPTIONS: _callerNodeOptions, ...inherited } = process.env as Record<string, string>;
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-engine-script-'));
  const env: Record<string, string> = {
    ...inherited,
    NODE_ENV: 'development',
    PORT: String(port),
    API_TOKEN: token,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? randomBytes(32).toString('hex'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir, // the engine opens it up for an embedded PostgreSQL
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, ...(options.nodeOptions ?? []), ENGINE_MAIN], { env, stdio: ['ignore', options.quiet === false ? 'inherit' : 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the engine did not become healthy within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Without DATABASE_URL the folder holds the engine's embedded PostgreSQL, which outlives a kill -9
  // of the engine: it is left alone then.
  if (options.databaseUrl) void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  // A process ended by a signal keeps exitCode null (signalCode says which).
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill9 = async (): Promise<void> => {
    if (running()) child.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    token,
    child,
    peakRssMb: () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return match ? Number(match[1]) / 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    /** SIGTERM (shutdown hooks run); SIGKILL if it has not exited 10 s later. */
    running,
    stop: async () => {
      if (running()) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      if (running()) await kill9();
    },
    kill9,
  };
}

/** A small JSON client for the engine's API. */
export function apiClient(engine: { url: string; token: string }) {
  return async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${engine.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${engine.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}
