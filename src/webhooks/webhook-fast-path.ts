import { errorCodes, type FastifyServerFactory } from 'fastify';
import { createServer, type IncomingMessage, type Server, type ServerOptions as HttpServerOptions, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import getRawBody from 'raw-body';
import type { Logger as Pino } from 'pino';
import { logAccessDirectly, requestIdFor } from '../common/access-log.js';
import { ERROR_CONTENT_TYPE, errorAnswer } from '../common/domain-error.filter.js';
import type { WebhookReceiver } from './webhook-receiver.js';
import { STORED, WEBHOOK_ROUTE } from './webhook-route.js';

/** The webhook path up to the channel id. */
const CHANNEL_PREFIX = WEBHOOK_ROUTE.slice(0, WEBHOOK_ROUTE.indexOf(':'));
/** find-my-way's default maxParamLength: a longer id goes to Fastify, which answers it as before. */
const MAX_CHANNEL_ID_LENGTH = 100;
const STORED_BODY = JSON.stringify(STORED);
const FAST_PATH = Symbol('webhookFastPath');

interface FastPath {
  receiver: WebhookReceiver;
  bodyLimit: number;
  /** pino-http's root logger (PinoLogger.root), as the access-log hook of every other route. */
  logger: () => Pino | undefined;
}

type ServerWithFastPath = Server & { [FAST_PATH]?: FastPath };
/** What getServerInstance reads of Fastify's processed options. */
interface ServerOptions {
  http?: HttpServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/**
 * POST /webhooks/360dialog/:channelId answered before Fastify, on the HTTP server's request event.
 * 360dialog's whole status stream comes here, and as a Fastify route every request ran Fastify's
 * request/reply chain, six global onRequest hooks of Nest's adapter, middie (for the API's middleware)
 * and the app's own hooks, which together cost about as much CPU as the receiver's own work
 * (docs/performance.md, webhook ingest, third pass). Here it does what the route did and no more: the
 * request id (x-request-id), the body as raw bytes within bodyLimit (Fastify's 413 and 400 errors),
 * WebhookReceiver (credentials, signature, body check, durable group commit) before the 200, errors in
 * the one error shape (errorAnswer), and the same access-log line (logAccessDirectly).
 *
 * Only the plain form goes this way — POST, a channel id without '%' or '/', at most 100 characters;
 * every other request, and every request before configureApp attached the receiver or on ROLE=worker,
 * goes to Fastify, where the same route (webhook-route.ts) answers it as before. Fastify's hooks do
 * not run here: a global hook added later (CORS, security headers, metrics) must be added here too.
 */
export const webhookServerFactory: FastifyServerFactory = (fastifyHandler, fastifyOptions) => {
  // Fastify's own HTTP/1 server (fastify/lib/server.js getServerInstance), with the fast path in front.
  const options = fastifyOptions as ServerOptions;
  const server: ServerWithFastPath = createServer(options.http ?? {}, (request, response) => {
    const fastPath = server[FAST_PATH];
    const channelId = fastPath && request.method === 'POST' ? plainChannelId(request.url) : undefined;
    if (fastPath && channelId !== undefined) void answer(fastPath, request, response, channelId);
    else fastifyHandler(request, response);
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? server.keepAliveTimeout;
  server.requestTimeout = options.requestTimeout ?? server.requestTimeout;
  server.setTimeout(options.connectionTimeout ?? 0);
  if ((options.maxRequestsPerSocket ?? 0) > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket ?? null;
  return server;
};

/** From configureApp, once the receiver exists: the server created by webhookServerFactory starts taking the fast path. */
export function attachWebhookFastPath(server: Server, fastPath: FastPath): void {
  (server as ServerWithFastPath)[FAST_PATH] = fastPath;
}

/** The channel id of a plain webhook URL (query string aside), else undefined. */
function plainChannelId(url: string | undefined): string | undefined {
  if (!url?.startsWith(CHANNEL_PREFIX)) return undefined;
  const queryAt = url.indexOf('?', CHANNEL_PREFIX.length);
  const id = url.slice(CHANNEL_PREFIX.length, queryAt < 0 ? undefined : queryAt);
  if (id.length === 0 || id.length > MAX_CHANNEL_ID_LENGTH || id.includes('/') || id.includes('%')) return undefined;
  return id;
}

async function answer(fastPath: FastPath, request: IncomingMessage, response: ServerResponse, channelId: string): Promise<void> {
  const started = performance.now();
  const id = requestIdFor(request);
  (request as { routePattern?: string }).routePattern = WEBHOOK_ROUTE;
  const logger = fastPath.logger();
  if (logger) {
    const log = () => logAccessDirectly(logger, request, response, id, performance.now() - started);
    response.once('finish', log);
  }
  let status = 200;
  let body = STORED_BODY;
  try {
    const raw = await readBody(request, fastPath.bodyLimit);
    await fastPath.receiver.receive({ channelId, authorization: request.headers.authorization, signature: request.headers['x-360dialog-signature'], raw });
  } catch (error) {
    const refused = errorAnswer(error);
    status = refused.statusCode;
    body = JSON.stringify(refused.body);
  }
  // Both answers are JSON in the error shape's content type, as the Fastify route sends them.
  response.writeHead(status, { 'x-request-id': id, 'content-type': ERROR_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * The body's bytes within `limit` (raw-body, which checks the declared length too), its errors as
 * Fastify's own raw-body reader answers them (413, 400) so both paths say the same.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(request, { limit, length: request.headers['content-length'] });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    if (type === 'request.size.invalid') throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { statusCode: 400 });
  }
}
