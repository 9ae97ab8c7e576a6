import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Every route under this prefix receives its body as raw bytes (a Buffer), whatever its content type. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/';
const RAW_CONTENT_TYPE = 'application/x-webhook-raw';
const ORIGINAL_CONTENT_TYPE = Symbol('webhookContentType');

/**
 * The webhook receiver must store the body exactly as sent (it is the record, and the partner
 * signature is computed over its bytes) and must answer a body that is not JSON itself (stored as
 * rejected, 400) instead of Fastify's parser refusing it first. So on webhook URLs only, before
 * parsing, the request's content type is swapped for a private one whose parser hands the raw bytes
 * to the handler (bodyLimit still applies: 413). Every other route keeps Fastify's and Nest's parsers
 * untouched (invalid JSON on /v1 stays a 400 "Body is not valid JSON…").
 */
export function installWebhookRawBody(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(RAW_CONTENT_TYPE, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'POST' && request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
      (request as unknown as Record<symbol, unknown>)[ORIGINAL_CONTENT_TYPE] = request.headers['content-type'];
      request.raw.headers['content-type'] = RAW_CONTENT_TYPE;
    }
    done();
  });
}

/** The raw body of a webhook request (empty when none was sent). */
export function rawWebhookBody(request: FastifyRequest): Buffer {
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.alloc(0);
}

export function originalContentType(request: FastifyRequest): string | undefined {
  return (request as unknown as Record<symbol, string | undefined>)[ORIGINAL_CONTENT_TYPE];
}
