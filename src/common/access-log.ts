import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger as Pino } from 'pino';
import type { Options } from 'pino-http';

/** Query parameters whose values are secrets (the CSV download grant, tokens, keys, signatures). */
const SECRET_PARAM = /token|grant|key|secret|password|passwd|signature|sig|auth|credential/i;
const REDACTED = 'REDACTED';
/** A request id a client or proxy may choose (echoed back); anything else gets a fresh UUID. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes, called every few seconds: not logged. */
const QUIET_PATHS = ['/health', '/metrics'];

type RawRequest = IncomingMessage & { id?: unknown; routePattern?: string; originalUrl?: string };

function isQuietPath(url: string | undefined): boolean {
  return QUIET_PATHS.some((path) => (url ?? '').startsWith(path));
}

/** The request's id: the client's `x-request-id` when it is well-formed, else a fresh UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The URL as logged: the value of every query parameter that looks like a secret replaced. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const params = new URLSearchParams(url.slice(queryAt + 1));
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAM.test(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? `${url.slice(0, queryAt)}?${params.toString()}` : url;
}

/**
 * pino-http's options: one access-log line per request when the response is finished — method, route
 * (the pattern, e.g. /v1/campaigns/:id), URL with secrets redacted, status, duration (responseTime, ms)
 * and request id (x-request-id: the client's when it sent a well-formed one, else a UUID; echoed by app.setup.ts).
 * Headers are not logged at all (Authorization, D360-API-KEY, cookies); the redact paths guard
 * anything that logs a request object elsewhere.
 */
export function accessLogOptions(level: string): Options {
  return {
    level,
    // Fastify assigns the id first (app.setup.ts, requestIdFor); this covers a request it did not see.
    genReqId: (request: IncomingMessage) => requestIdFor(request),
    redact: {
      paths: ['req.headers.authorization', 'req.headers["d360-api-key"]', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      censor: REDACTED,
    },
    serializers: {
      req: (request: RawRequest) => ({
        id: request.id,
        method: request.method,
        url: redactUrl(request.originalUrl ?? request.url ?? ''),
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
    customProps: (request: IncomingMessage) => {
      const route = (request as RawRequest).routePattern;
      return route ? { route } : {};
    },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (request, response) => `${request.method} ${(request as RawRequest).routePattern ?? '-'} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${(request as RawRequest).routePattern ?? '-'} ${response.statusCode}`,
    autoLogging: { ignore: (request) => isQuietPath(request.url) },
  };
}

/**
 * The same access-log line as pino-http writes (same fields through the same serializers, same level
 * and message), for the requests pino-http is not mounted on (app.module.ts): above all the webhook
 * receiver, called thousands of times a second by 360dialog, where pino-http's middleware, child logger,
 * listeners and closures cost a large share of the CPU (docs/performance.md). `logger` is pino-http's
 * own (PinoLogger.root). Nothing is built when the level is off.
 */
export function logAccessDirectly(logger: Pino, request: IncomingMessage, response: ServerResponse, id: string, responseTime: number): void {
  const level = response.statusCode >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const raw = request as RawRequest;
  raw.id = id;
  const route = raw.routePattern ?? '-';
  logger[level]({ req: request, res: response, route, responseTime: Math.round(responseTime) }, `${request.method} ${route} ${response.statusCode}`);
}

/**
 * The paths pino-http is mounted on (app.module.ts): the Nest controllers' — the API and the signed CSV
 * download — where a request-bound logger carries the request into every line logged while it runs.
 */
export const PINO_HTTP_PREFIXES = ['/v1/', '/campaigns/'] as const;

/** One access-log line for every request outside PINO_HTTP_PREFIXES, quiet probes aside: none unlogged, none twice. */
export function installDirectAccessLog(fastify: FastifyInstance, logger: () => Pino | undefined): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const root = logger();
    if (root && !PINO_HTTP_PREFIXES.some((prefix) => request.url.startsWith(prefix)) && !isQuietPath(request.url)) {
      logAccessDirectly(root, request.raw, reply.raw, request.id, reply.elapsedTime);
    }
    done();
  });
}
