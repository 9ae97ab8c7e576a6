/** The sandbox's HTTP server: listening, reading bodies, routing to the handlers, answering errors, closing. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRoutes } from './admin-routes.js';
import { answerInvalidJson, answerUnauthorized, answerUnknownEndpoint, apiRoutes } from './api-routes.js';
import { RequestError } from './http.js';
import { handlePartner, PARTNER_PATH_PREFIX } from './partner-routes.js';
import type { RouteContext } from './route-types.js';
import { proxyErrorBody } from './sandbox-payloads.js';
import { errorMessage } from '../common/errors.js';

const MAX_BODY_BYTES = 1024 * 1024;
const INVALID_JSON = Symbol.for('invalid-json');

export interface SandboxServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Routes a request: /_sandbox/* to the admin table (errors as `{ "error" }`); /api/v2/partners/* to
 * the Partner API (its own Bearer token, partner-routes.ts); everything else is
 * 360dialog's, answered in order: a missing or unknown API key (401), a body that is not JSON (400 in
 * the key's generation shape), the endpoint table, else the proxy's 404.
 */
function router(context: RouteContext): (request: IncomingMessage, response: ServerResponse, rawBody: string) => Promise<void> {
  const admin = adminRoutes(context);
  const api = apiRoutes(context);
  return async (request, response, rawBody) => {
    const method = request.method ?? 'GET';
    const queryStart = (request.url ?? '/').indexOf('?');
    const path = queryStart < 0 ? (request.url ?? '/') : (request.url ?? '/').slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : (request.url ?? '').slice(queryStart + 1));
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = INVALID_JSON;
      }
    }

    if (path.startsWith('/_sandbox/')) {
      if (body === INVALID_JSON) throw new RequestError(400, 'body is not valid JSON');
      const handler = admin.get(`${method} ${path}`);
      if (!handler) throw new RequestError(404, `No sandbox admin route ${method} ${path}`);
      return handler({ query, body, response });
    }

    if (path.startsWith(PARTNER_PATH_PREFIX)) return handlePartner(context, method, path, request.headers, response);

    const apiKeyHeader = request.headers['d360-api-key'];
    const key = typeof apiKeyHeader === 'string' ? context.state.keys.get(apiKeyHeader) : undefined;
    if (!key) return answerUnauthorized(context, response);
    if (body === INVALID_JSON) return answerInvalidJson(context, key, response);
    const handler = api.get(`${method} ${path}`);
    if (!handler) return answerUnknownEndpoint(context, method, path, response);
    return handler({ method, path, key, query, body, response });
  };
}

export async function startServer(context: RouteContext, options: { port?: number; host?: string }): Promise<SandboxServer> {
  const { state, responder } = context;
  const route = router(context);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        responder.reply(response, 413, proxyErrorBody(413, 'Request body too large', state.traceId()));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const rawBody = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      route(request, response, rawBody).catch((error: unknown) => {
        if (error instanceof RequestError) return responder.reply(response, error.httpStatus, { error: error.message });
        responder.reply(response, 500, proxyErrorBody(500, errorMessage(error), state.traceId()));
      });
    });
  });
  // Long keep-alive so a client's pooled connections are not closed under it between bursts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      responder.destroyHanging();
      await state.dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
