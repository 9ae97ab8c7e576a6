/**
 * Writes the engine's OpenAPI document without a database, for the web console's generated API types
 * (`npm run build` runs it on the compiled engine, then openapi-typescript, then the console's build).
 * Nest's preview mode builds the module graph from metadata and instantiates no provider, so nothing
 * connects to PostgreSQL or Redis. It must run on dist/: the Swagger CLI plugin that turns DTO
 * properties and their comments into schema exists only in `nest build`'s output.
 * Usage: node dist/scripts/openapi-document.js <out.json>
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module.js';
import { openApiDocument } from '../src/app.setup.js';
import { loadConfig } from '../src/config/app-config.js';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/scripts/openapi-document.js <out.json>');
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-engine-openapi-'));
  try {
    // Fixed secrets: preview mode uses none, and the user's .data/ stays untouched.
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, API_TOKEN: 'openapi-document-only', ENCRYPTION_KEY: '0'.repeat(64) });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, 'postgres://unused/unused'), new FastifyAdapter(), {
      preview: true,
      logger: false,
    });
    const document = openApiDocument(app);
    writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
    await app.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
