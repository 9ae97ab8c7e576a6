import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { signatureMatches } from '../whatsapp/webhook-auth.js';
import { checkWebhookBody } from '../whatsapp/webhook-events.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';

export interface WebhookDelivery {
  channelId: string;
  authorization: string | undefined;
  signature: string | string[] | undefined;
  raw: Buffer;
}

/**
 * What POST /webhooks/360dialog/:channelId does (webhook-route.ts registers it): the channel's Basic
 * credentials, the partner signature when configured, then the body stored durably (group commit) —
 * valid JSON as pending for the processor, anything else as rejected with a 400 — before the 200.
 * Errors are domain errors, answered in the one error shape by AllErrorsFilter.
 */
@Injectable()
export class WebhookReceiver {
  private readonly partnerSecret: string | undefined;

  constructor(
    private readonly channels: ChannelsService,
    private readonly writer: WebhookInboxWriter,
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    this.partnerSecret = config.env.WEBHOOK_PARTNER_SECRET;
  }

  async receive({ channelId, authorization, signature, raw }: WebhookDelivery): Promise<void> {
    const verdict = await this.channels.verifyWebhookCredentials(channelId, authorization);
    if (verdict === 'unknown_channel') throw new DomainError('not_found', `Channel ${channelId.slice(0, 60)} not found`);
    if (verdict !== 'ok') throw new DomainError('unauthorized', "Wrong webhook credentials: send the channel's webhook username and password as Basic auth");

    if (this.partnerSecret !== undefined && !signatureMatches(raw, signature, this.partnerSecret)) {
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
  }
}

/** PostgreSQL text cannot hold NUL: a rejected body keeps everything else, NUL shown as U+FFFD. */
function withoutNul(text: string): string {
  return text.replace(/\u0000/g, '\uFFFD');
}
