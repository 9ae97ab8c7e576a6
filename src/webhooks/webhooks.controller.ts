import { Controller, HttpCode, Param, Post, Req, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ChannelsService } from '../channels/channels.service.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { signatureMatches } from '../whatsapp/webhook-auth.js';
import { checkWebhookBody } from '../whatsapp/webhook-events.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';
import { rawWebhookBody } from './webhook-raw-body.js';

const STORED = { status: 'stored' } as const;

@ApiTags('webhooks')
@ApiBasicAuth()
@Controller('webhooks')
export class WebhooksController {
  private readonly partnerSecret: string | undefined;

  constructor(
    private readonly channels: ChannelsService,
    private readonly writer: WebhookInboxWriter,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.partnerSecret = config.env.WEBHOOK_PARTNER_SECRET;
  }

  @Post('360dialog/:channelId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Status and inbound-message webhooks from 360dialog (Cloud API and On-Premise payloads)',
    description:
      "Basic auth with the channel's webhook credentials (given when the channel was created). The raw body is " +
      'stored durably (group commit) before the 200; a processor applies it afterwards. With WEBHOOK_PARTNER_SECRET ' +
      'set, `x-360dialog-signature` (HMAC-SHA256 of the raw body, hex, optional `sha256=` prefix) is required.',
  })
  @ApiParam({ name: 'channelId', format: 'uuid' })
  @ApiHeader({ name: 'x-360dialog-signature', required: false, description: 'HMAC-SHA256 of the raw body (checked when WEBHOOK_PARTNER_SECRET is set)' })
  @ApiConsumes('application/json')
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { statuses: [{ id: 'gBEGkYiEB1VXAglK1ZEqA1YKPrU', status: 'delivered', timestamp: '1700000000', recipient_id: '4915112345678' }] } } })
  @ApiOkResponse({ description: 'Stored; it will be applied shortly', schema: { example: STORED } })
  @ApiBadRequestResponse({ description: 'The body is not a JSON object; it was stored as rejected (360dialog retrying would not help)' })
  @ApiUnauthorizedResponse({ description: 'Wrong or missing webhook credentials, or a wrong signature' })
  @ApiNotFoundResponse({ description: 'Unknown channel' })
  @ApiPayloadTooLargeResponse({ description: 'Body over the size limit (BODY_LIMIT_KB)' })
  @ApiServiceUnavailableResponse({ description: 'The database could not store the body; 360dialog will retry' })
  async receive(@Param('channelId') channelId: string, @Req() request: FastifyRequest): Promise<typeof STORED> {
    const verdict = await this.channels.verifyWebhookCredentials(channelId, request.headers.authorization);
    if (verdict === 'unknown_channel') throw new DomainError('not_found', `Channel ${channelId.slice(0, 60)} not found`);
    if (verdict !== 'ok') throw new DomainError('unauthorized', "Wrong webhook credentials: send the channel's webhook username and password as Basic auth");

    const raw = rawWebhookBody(request);
    if (this.partnerSecret !== undefined && !signatureMatches(raw, request.headers['x-360dialog-signature'], this.partnerSecret)) {
      throw new DomainError('unauthorized', 'Missing or wrong x-360dialog-signature (HMAC-SHA256 of the body with the partner secret)');
    }

    const text = raw.toString('utf8');
    const check = checkWebhookBody(text);
    try {
      await this.writer.store(
        check.ok
          ? { channelId, body: text, state: 'pending', lastError: null }
          : { channelId, body: withoutNul(text), state: 'rejected', lastError: withoutNul(check.reason).slice(0, 2000) },
      );
    } catch {
      throw new ServiceUnavailableException('The webhook could not be stored right now; send it again');
    }
    if (!check.ok) {
      this.metrics.webhookEvents.inc({ kind: 'body', status: 'rejected' });
      throw new DomainError('invalid', `${withoutNul(check.reason).slice(0, 500)}. The body was stored as rejected.`);
    }
    return STORED;
  }
}

/** PostgreSQL text cannot hold NUL: a rejected body keeps everything else, NUL shown as U+FFFD. */
function withoutNul(text: string): string {
  return text.replace(/\u0000/g, '\uFFFD');
}
