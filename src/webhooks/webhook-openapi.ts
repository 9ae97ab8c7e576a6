import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The OpenAPI description of POST /webhooks/360dialog/{channelId}, which is a plain Fastify route
 * (webhook-route.ts) that Nest's document builder cannot see.
 */
export function describeWebhookRoute(document: OpenAPIObject): void {
  document.paths['/webhooks/360dialog/{channelId}'] = {
    post: {
      operationId: 'receiveWebhook',
      tags: ['webhooks'],
      summary: 'Status and inbound-message webhooks from 360dialog (Cloud API and On-Premise payloads)',
      description:
        "Basic auth with the channel's webhook credentials (given when the channel was created). The raw body is " +
        'stored durably (group commit) before the 200; a processor applies it afterwards. With WEBHOOK_PARTNER_SECRET ' +
        'set, `x-360dialog-signature` (HMAC-SHA256 of the raw body, hex, optional `sha256=` prefix) is required.',
      security: [{ basic: [] }],
      parameters: [
        { name: 'channelId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        {
          name: 'x-360dialog-signature',
          in: 'header',
          required: false,
          description: 'HMAC-SHA256 of the raw body (checked when WEBHOOK_PARTNER_SECRET is set)',
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: true,
              example: { statuses: [{ id: 'gBEGkYiEB1VXAglK1ZEqA1YKPrU', status: 'delivered', timestamp: '1700000000', recipient_id: '4915112345678' }] },
            },
          },
        },
      },
      responses: {
        '200': { description: 'Stored; it will be applied shortly', content: { 'application/json': { schema: { example: { status: 'stored' } } } } },
        '400': { description: 'The body is not a JSON object; it was stored as rejected (360dialog retrying would not help)' },
        '401': { description: 'Wrong or missing webhook credentials, or a wrong signature' },
        '404': { description: 'Unknown channel' },
        '413': { description: 'Body over the size limit (BODY_LIMIT_KB)' },
        '503': { description: 'The database could not store the body; 360dialog will retry' },
      },
    },
  };
}
