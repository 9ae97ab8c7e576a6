import multipart from '@fastify/multipart';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AllErrorsFilter } from './common/domain-error.filter.js';
import type { AppConfig } from './config/app-config.js';
import { installWebhookRawBody } from './webhooks/webhook-raw-body.js';
import { serveConsole } from './console/serve-console.js';

const WORKER_PATHS = ['/health', '/metrics'];

/** Everything main.ts and the e2e tests must configure identically on the Fastify app. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new AllErrorsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // Webhook routes get their body as raw bytes (stored as received, signature over the bytes, a
  // non-JSON body answered by the receiver itself); every other route keeps the default parsers.
  installWebhookRawBody(fastify, config.env.BODY_LIMIT_KB * 1024);
  await app.register(multipart as never, {
    limits: { fileSize: Math.floor(config.env.UPLOAD_LIMIT_MB * 1024 * 1024), files: 1, fields: 20 },
  });
  if (!config.runsApi) {
    fastify.addHook('onRequest', async (request, reply) => {
      if (!WORKER_PATHS.some((path) => request.url.startsWith(path))) {
        await reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'This instance runs ROLE=worker' });
      }
    });
  }

  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  if (config.runsApi) await serveConsole(app);
}

/** The OpenAPI document of `app`; also built without a database by scripts/openapi-document.ts for the console's types. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('WhatsApp campaign engine')
      .setDescription('Outbound template campaigns through 360dialog: channels, contacts, campaigns, delivery reports.')
      .setVersion('1')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
}
