import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Agent } from 'undici';
import { AppConfig } from '../config/app-config.js';
import { classifyTransportError, joinUrl, parseErrorBody, parseJson, publicErrorTitle } from './payloads.js';
import { createdPartnerKey, partnerKeysFrom } from './phone-number.js';
import { createUpstreamAgent } from './upstream-agent.js';
import { parseUpstreamPolicy } from './upstream-policy.js';
import { upstreamRequest } from './upstream-request.js';
import type { PartnerApiKey } from './wire.js';

/** What the Partner API answered, or why not (httpStatus null: no answer). Never carries the token. */
export type PartnerCallResult<T> =
  | { ok: true; value: T }
  | { ok: false; httpStatus: number | null; errorCode: number | null; errorTitle: string; details?: string };

/** The partner settings, when both are configured. */
export interface PartnerSettings {
  partnerId: string;
  token: string;
  baseUrl: string;
}

/**
 * 360dialog's Partner API (docs/whatsapp-api.md, seeds): a channel's API keys under
 * `{PARTNER_API_URL}/partners/{partner_id}/channels/{channel_id}/api_keys`, authorised with the
 * Partner API token as a Bearer token. Never throws for HTTP or network errors.
 * Every call goes through the same upstream policy as WhatsAppClient's: an Agent that checks the host
 * and every resolved address against UPSTREAM_ALLOWED_HOSTS when it connects (upstream-agent.ts), one
 * deadline of SEND_TIMEOUT_MS for the whole call, the answer capped at UPSTREAM_MAX_BODY_KB and no
 * redirects (upstream-request.ts). A PARTNER_API_URL whose host the policy refuses is never connected.
 */
@Injectable()
export class PartnerClient implements OnApplicationShutdown {
  readonly settings: PartnerSettings | null;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly agent: Agent;

  constructor(config: AppConfig) {
    const { PARTNER_ID: partnerId, PARTNER_API_TOKEN: token, PARTNER_API_URL: baseUrl, SEND_TIMEOUT_MS: timeoutMs } = config.env;
    this.settings = partnerId && token ? { partnerId, token, baseUrl: baseUrl.replace(/\/+$/, '') } : null;
    this.timeoutMs = timeoutMs;
    this.maxBodyBytes = config.env.UPSTREAM_MAX_BODY_KB * 1024;
    // Key rotation is rare: a few connections, kept alive briefly.
    this.agent = createUpstreamAgent(parseUpstreamPolicy(config.upstreamAllowedHosts), {
      connections: 4,
      keepAliveTimeout: 10_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: { timeout: Math.min(timeoutMs, 10_000) },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /** POST …/api_keys: a new key for the channel, in full (360dialog shows it only this once). */
  async createApiKey(partnerChannelId: string): Promise<PartnerCallResult<PartnerApiKey>> {
    const answer = await this.call('POST', this.keysPath(partnerChannelId), {});
    if (!answer.ok) return answer;
    const key = createdPartnerKey(answer.value);
    return key ? { ok: true, value: key } : { ok: false, httpStatus: 200, errorCode: null, errorTitle: 'the Partner API answer holds no api_key' };
  }

  /** GET …/api_keys: the channel's keys (masked). */
  async listApiKeys(partnerChannelId: string): Promise<PartnerCallResult<PartnerApiKey[]>> {
    const answer = await this.call('GET', this.keysPath(partnerChannelId));
    return answer.ok ? { ok: true, value: partnerKeysFrom(answer.value) } : answer;
  }

  /** DELETE …/api_keys/{key_id}. */
  async deleteApiKey(partnerChannelId: string, keyId: string): Promise<PartnerCallResult<null>> {
    const answer = await this.call('DELETE', `${this.keysPath(partnerChannelId)}/${encodeURIComponent(keyId)}`);
    return answer.ok ? { ok: true, value: null } : answer;
  }

  private keysPath(partnerChannelId: string): string {
    return `/partners/${encodeURIComponent(this.required().partnerId)}/channels/${encodeURIComponent(partnerChannelId)}/api_keys`;
  }

  private required(): PartnerSettings {
    if (!this.settings) throw new Error('the Partner API is not configured (PARTNER_ID, PARTNER_API_TOKEN)');
    return this.settings;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<PartnerCallResult<unknown>> {
    const settings = this.required();
    try {
      const { httpStatus, rawBody } = await upstreamRequest(this.agent, {
        method,
        url: joinUrl(settings.baseUrl, path),
        headers: { authorization: `Bearer ${settings.token}`, accept: 'application/json' },
        body,
        deadlineMs: this.timeoutMs,
        maxBodyBytes: this.maxBodyBytes,
      });
      if (httpStatus >= 200 && httpStatus < 300) return { ok: true, value: parseJson(rawBody) ?? null };
      // Like WhatsAppClient: status, code and a short title reach the API user, never the raw body.
      const { errorCode, details } = parseErrorBody(httpStatus, rawBody);
      return { ok: false, httpStatus, errorCode, errorTitle: publicErrorTitle(httpStatus, rawBody), ...(details !== undefined ? { details } : {}) };
    } catch (error) {
      const failure = classifyTransportError(error, this.timeoutMs);
      return { ok: false, httpStatus: null, errorCode: null, errorTitle: failure.errorTitle };
    }
  }
}
