import type { FastifyInstance } from 'fastify';
import { sendError } from '../common/domain-error.filter.js';
import { WEBHOOK_PATH_PREFIX, rawWebhookBody } from './webhook-raw-body.js';
import type { WebhookReceiver } from './webhook-receiver.js';

export const WEBHOOK_ROUTE = `${WEBHOOK_PATH_PREFIX}360dialog/:channelId`;
/** The answer to a stored body (the fast path, webhook-fast-path.ts, sends the same). */
export const STORED = { status: 'stored' } as const;

/**
 * POST /webhooks/360dialog/:channelId as a plain Fastify route rather than a Nest controller: it faces
 * 360dialog's whole status stream, and Nest's router, pipes and response chain cost as much per
 * request as the receiver's own work (docs/performance.md, webhook ingest). Its errors (and Fastify's:
 * 413, 408) are answered by sendError, as AllErrorsFilter answers every Nest route; its OpenAPI
 * description is webhook-openapi.ts. Registered last in configureApp, after every global hook.
 */
export function installWebhookRoute(fastify: FastifyInstance, receiver: WebhookReceiver): void {
  const errorHandler = (error: unknown, _request: unknown, reply: Parameters<typeof sendError>[0]) => sendError(reply, error);
  fastify.post<{ Params: { channelId: string } }>(WEBHOOK_ROUTE, { errorHandler }, async (request) => {
    await receiver.receive({
      channelId: request.params.channelId,
      authorization: request.headers.authorization,
      signature: request.headers['x-360dialog-signature'],
      raw: rawWebhookBody(request),
    });
    return STORED;
  });
}
