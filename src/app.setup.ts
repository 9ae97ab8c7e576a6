import multipart from '@fastify/multipart';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { installDirectAccessLog, requestIdFor } from './common/access-log.js';
import { AllErrorsFilter } from './common/domain-error.filter.js';
import { jsonNestedDeeperThan } from './common/json-depth.js';
import type { AppConfig } from './config/app-config.js';
import { describeWebhookRoute } from './webhooks/webhook-openapi.js';
import { attachWebhookFastPath, webhookServerFactory } from './webhooks/webhook-fast-path.js';
import { installWebhookRawBody } from './webhooks/webhook-raw-body.js';
import { WebhookReceiver } from './webhooks/webhook-receiver.js';
import { installWebhookRoute } from './webhooks/webhook-route.js';
import { serveConsole } from './console/serve-console.js';

const WORKER_PATHS = ['/health', '/metrics'];

/**
 * Fastify's server options, the same for main.ts and the e2e tests: the JSON body limit, timeouts that
 * cut off a slow client (the whole request within HTTP_REQUEST_TIMEOUT_MS, else 408 and the connection
 * is closed; an idle connection after HTTP_CONNECTION_TIMEOUT_MS) and whose X-Forwarded-For to trust.
 */
export function fastifyOptions(config: AppConfig): FastifyHttpOptions<Server> {
  return {
    bodyLimit: config.env.BODY_LIMIT_KB * 1024,
    trustProxy: config.env.TRUST_PROXY,
    requestTimeout: config.env.HTTP_REQUEST_TIMEOUT_MS,
    connectionTimeout: config.env.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: config.env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // The access log's request id (common/access-log.ts), echoed as x-request-id by configureApp.
    genReqId: requestIdFor,
    // The HTTP server Fastify would create, with the webhook receiver's fast path in front of it.
    serverFactory: webhookServerFactory,
    http: {
      // Node enforces the larger of headersTimeout (default 60 s) and requestTimeout as the request's
      // deadline, so both are set; and it checks them this often (default 30 s, doubling a 30 s deadline).
      requestTimeout: config.env.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: config.env.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: 1000,
    },
  };
}

/**
 * JSON bodies are checked for nesting depth before they are parsed (400 beyond JSON_MAX_DEPTH), then
 * parsed by Fastify's own parser (prototype-poisoning checks included). Webhook routes are untouched:
 * they take raw bytes (webhook-raw-body.ts).
 */
function installJsonDepthLimit(app: NestFastifyApplication, fastify: FastifyInstance, bodyLimit: number, maxDepth: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonNestedDeeperThan(text, maxDepth)) {
      const error = new Error(`Body is nested deeper than ${maxDepth} levels (JSON_MAX_DEPTH)`) as Error & { statusCode: number };
      error.statusCode = 400;
      return done(error, undefined);
    }
    parseJson(request as Parameters<typeof parseJson>[0], text, done);
  });
}

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
  const bodyLimit = config.env.BODY_LIMIT_KB * 1024;
  // Webhook routes get their body as raw bytes (stored as received, signature over the bytes, a
  // non-JSON body answered by the receiver itself); every other route keeps the default parsers.
  installWebhookRawBody(fastify, bodyLimit);
  installDirectAccessLog(fastify, () => PinoLogger.root);
  installJsonDepthLimit(app, fastify, bodyLimit, config.env.JSON_MAX_DEPTH);
  // The access log names the route pattern (/v1/campaigns/:id), not only the URL (common/access-log.ts).
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as { routePattern?: string }).routePattern = request.routeOptions.url;
    void reply.header('x-request-id', request.id);
    done();
  });
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
  const receiver = app.get(WebhookReceiver);
  installWebhookRoute(fastify, receiver);
  if (config.runsApi) {
    attachWebhookFastPath(app.getHttpServer() as Server, {
      receiver,
      bodyLimit,
      logger: () => PinoLogger.root,
    });
  }
}

/** The OpenAPI document of `app`; also built without a database by scripts/openapi-document.ts for the console's types. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('WhatsApp campaign engine')
      .setDescription('Outbound template campaigns through 360dialog: channels, contacts, campaigns, delivery reports.')
      .setVersion('1')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
  describeWebhookRoute(document);
  return document;
}
