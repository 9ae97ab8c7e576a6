import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { configureApp, fastifyOptions } from './app.setup.js';
import { loadConfig } from './config/app-config.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { loadRateCard } from './pricing/rate-card.service.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // A malformed rate card stops the start here, before any database, with the message naming the bad entry.
  loadRateCard(config.env.PRICING_RATE_CARD);
  let databaseUrl = config.env.DATABASE_URL;
  if (!databaseUrl) {
    // embedded-postgres stops the cluster itself when this process exits.
    console.log(`DATABASE_URL is unset: starting embedded PostgreSQL (data in ${config.dataDir}/postgres)`);
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.env.EMBEDDED_POSTGRES_PORT, database: 'engine' });
    databaseUrl = embedded.url;
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, databaseUrl),
    new FastifyAdapter(fastifyOptions(config)),
    { bufferLogs: true },
  );
  await configureApp(app, config);
  await app.listen(config.env.PORT, config.env.HOST);

  console.log(`Engine (ROLE=${config.env.ROLE}) listening on ${config.publicUrl} — docs at ${config.publicUrl}/docs`);
  if (config.generatedApiToken) console.log(`Dev API token (stored in ${config.dataDir}/api-token): ${config.apiToken}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
