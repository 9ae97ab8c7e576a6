import 'reflect-metadata';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { configureApp, fastifyOptions } from '../src/app.setup.js';
import { type AppConfig, loadConfig } from '../src/config/app-config.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
/** One key for every engine of a test file: engines sharing a database must read each other's channel keys, as in production. */
const TEST_ENCRYPTION_KEY = randomBytes(32).toString('hex');

/** A fresh database on the test server (TEST_SERVER_URL, set by global-setup) for one spec file. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!serverUrl) throw new Error('TEST_SERVER_URL is unset: run e2e tests through jest (global-setup)');
  const name = `wa_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
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

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the engine's real HTTP listener. */
  url: string;
  token: string;
  config: AppConfig;
  dataSource: DataSource;
  databaseUrl: string;
  auth: { Authorization: string };
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on a real port against a real PostgreSQL. `databaseUrl` lets several
 * engines share one database (multi-instance tests); otherwise a fresh database is created.
 */
export async function createTestApp(options: { env?: Record<string, string>; databaseUrl?: string; logStream?: DestinationStream } = {}): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-engine-data-'));
  const port = 0;
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'test',
    API_TOKEN: TEST_TOKEN,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    SCHEDULER_INTERVAL_MS: '200',
    SENDER_POLL_INTERVAL_MS: '50',
    WEBHOOK_PROCESSOR_INTERVAL_MS: '50',
    DATABASE_POOL_SIZE: '10',
  };
  // The public URL must name the port, which is only known after listen: configure with a
  // placeholder first, then rebuild the config once the port is bound.
  const env = { ...baseEnv, ...options.env };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(loadConfig({ ...env, PORT: String(port) }), database.url, options.logStream)] })
    .compile();
  const config = moduleRef.get<AppConfig>((await import('../src/config/app-config.js')).AppConfig);
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(fastifyOptions(config)), { logger: ['error', 'warn'] });
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  if (!options.env?.PUBLIC_URL) (config as { publicUrl: string }).publicUrl = url;
  return {
    app,
    url,
    token: TEST_TOKEN,
    config,
    dataSource: app.get(DataSource),
    databaseUrl: database.url,
    auth: { Authorization: `Bearer ${TEST_TOKEN}` },
    close: async () => {
      try {
        await app.close();
        await database.drop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
