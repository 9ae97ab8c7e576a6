import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { Agent } from 'undici';
import { AppConfig } from '../config/app-config.js';
import type { ChannelCredentials, SendResult, TemplateMessage } from './types.js';
import type { WebhookConfigRequest } from './wire.js';
import { PHONE_NUMBER_PATH, phoneNumberFrom } from './phone-number.js';
import { hasNextTemplatePage, readTemplatePage, type TemplateDefinition, templatePagePath } from './templates.js';
import {
  buildSendRequest,
  classifyTransportError,
  httpStatusLeavesOutcomeUnknown,
  HEALTH_CHECK_PATH,
  interpretHealth,
  isThrottlingAnswer,
  joinUrl,
  messageIdFrom,
  parseErrorBody,
  parseJson,
  publicErrorTitle,
} from './payloads.js';
import { createUpstreamAgent } from './upstream-agent.js';
import { type BaseUrlVerdict, checkBaseUrl, parseUpstreamPolicy, type UpstreamPolicy } from './upstream-policy.js';
import { upstreamRequest } from './upstream-request.js';

export type UpstreamCallResult =
  | { ok: true; httpStatus: number; body: unknown; latencyMs: number }
  | {
      ok: false;
      /** null when no answer arrived. */
      httpStatus: number | null;
      errorCode: number | null;
      errorTitle: string;
      /** For logs only: may quote the answer. Not for API users. */
      details?: string;
      latencyMs: number;
    };

export type TemplateListResult =
  | { ok: true; templates: TemplateDefinition[]; ignored: string[]; pages: number; latencyMs: number }
  | { ok: false; httpStatus: number | null; errorCode: number | null; errorTitle: string; details?: string; latencyMs: number };

/** Page size of GET /v1/configs/templates, and a bound on pages (a list that never ends is an upstream fault). */
const TEMPLATE_PAGE_SIZE = 100;
const MAX_TEMPLATE_PAGES = 200;
/**
 * A template page of 100 can outgrow UPSTREAM_MAX_BODY_KB's 64 KB default (a template's texts and
 * buttons run to a few KB), so template pages get at least this much.
 */
const TEMPLATE_PAGE_MAX_BODY_BYTES = 2 * 1024 * 1024;

export type PhoneNumberResult = { ok: true; phoneNumber: string; latencyMs: number } | Extract<UpstreamCallResult, { ok: false }>;

export interface HealthResult {
  ok: boolean;
  status: string;
  httpStatus: number | null;
  body: unknown;
  latencyMs: number;
}

/**
 * The one interface to 360dialog, both API generations. Never throws for HTTP or network errors:
 * every outcome comes back as a value the sender can classify.
 */
@Injectable()
export class WhatsAppClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly policy: UpstreamPolicy;

  constructor(config: AppConfig) {
    this.timeoutMs = config.env.SEND_TIMEOUT_MS;
    this.maxBodyBytes = config.env.UPSTREAM_MAX_BODY_KB * 1024;
    this.policy = parseUpstreamPolicy(config.upstreamAllowedHosts);
    // Requests are POSTs with unknown idempotency: one request per connection at a time (no
    // pipelining), enough kept-alive connections for every send the sender keeps in flight.
    // The agent checks every connection against UPSTREAM_ALLOWED_HOSTS (upstream-agent.ts).
    this.agent = createUpstreamAgent(this.policy, {
      connections: config.env.SENDER_MAX_IN_FLIGHT + 16,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 300_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: Math.min(this.timeoutMs, 10_000) },
    });
  }

  /** Whether a channel's baseUrl may be stored: its form and UPSTREAM_ALLOWED_HOSTS (upstream-policy.ts). */
  checkBaseUrl(baseUrl: string): BaseUrlVerdict {
    return checkBaseUrl(this.policy, baseUrl);
  }

  async send(credentials: ChannelCredentials, message: TemplateMessage): Promise<SendResult> {
    const { url, body } = buildSendRequest(credentials, message);
    const started = performance.now();
    let httpStatus: number;
    let rawBody: string;
    try {
      ({ httpStatus, rawBody } = await this.call('POST', url, credentials.apiKey, body));
    } catch (error) {
      const failure = classifyTransportError(error, this.timeoutMs);
      return { ok: false, latencyMs: elapsed(started), httpStatus: null, errorCode: null, ...failure };
    }
    const latencyMs = elapsed(started);
    if (httpStatus >= 200 && httpStatus < 300) {
      const messageId = messageIdFrom(parseJson(rawBody));
      if (messageId) return { ok: true, messageId, latencyMs };
      // Accepted without an id we could join statuses on: it may have gone out, so never resend blindly.
      return {
        ok: false,
        latencyMs,
        httpStatus,
        errorCode: null,
        errorTitle: `360dialog answered HTTP ${httpStatus} without a message id`,
        details: rawBody.slice(0, 300),
        outcomeUnknown: true,
      };
    }
    const error = parseErrorBody(httpStatus, rawBody);
    return {
      ok: false,
      latencyMs,
      httpStatus,
      ...error,
      outcomeUnknown: httpStatusLeavesOutcomeUnknown(httpStatus),
      throttled: isThrottlingAnswer(httpStatus, error),
    };
  }

  /** `POST {baseUrl}/v1/configs/webhook` with the headers 360dialog must send on every webhook call. */
  registerWebhook(credentials: ChannelCredentials, url: string, headers: Record<string, string>): Promise<UpstreamCallResult> {
    const config: WebhookConfigRequest = { url, headers };
    return this.callForResult('POST', joinUrl(credentials.baseUrl, '/v1/configs/webhook'), credentials.apiKey, config);
  }

  /**
   * Every template of the number: `GET {baseUrl}/v1/configs/templates` page by page (limit/offset) until
   * `total` is reached or a page comes back short. Both generations answer `waba_templates`. Never throws:
   * the first failed page ends the listing with its error.
   */
  async listTemplates(credentials: ChannelCredentials, pageSize = TEMPLATE_PAGE_SIZE): Promise<TemplateListResult> {
    const started = performance.now();
    const templates: TemplateDefinition[] = [];
    const ignored: string[] = [];
    let offset = 0;
    for (let page = 1; page <= MAX_TEMPLATE_PAGES; page++) {
      const result = await this.callForResult('GET', joinUrl(credentials.baseUrl, templatePagePath(offset, pageSize)), credentials.apiKey, undefined, Math.max(TEMPLATE_PAGE_MAX_BODY_BYTES, this.maxBodyBytes));
      if (!result.ok) {
        const { httpStatus, errorCode, errorTitle, details } = result;
        return { ok: false, httpStatus, errorCode, errorTitle, ...(details !== undefined ? { details } : {}), latencyMs: elapsed(started) };
      }
      const read = readTemplatePage(result.body);
      templates.push(...read.templates);
      ignored.push(...read.ignored);
      const entriesOnPage = read.templates.length + read.ignored.length;
      if (!hasNextTemplatePage(read, offset, pageSize, entriesOnPage)) return { ok: true, templates, ignored, pages: page, latencyMs: elapsed(started) };
      offset += entriesOnPage;
    }
    return { ok: false, httpStatus: null, errorCode: null, errorTitle: `the template list did not end after ${MAX_TEMPLATE_PAGES} pages`, latencyMs: elapsed(started) };
  }

  /** `GET {baseUrl}` + HEALTH_CHECK_PATH; 360dialog asks for at most one health call per 5 minutes, so callers cache. */
  async health(credentials: ChannelCredentials): Promise<HealthResult> {
    const started = performance.now();
    try {
      const { httpStatus, rawBody } = await this.call('GET', joinUrl(credentials.baseUrl, HEALTH_CHECK_PATH[credentials.apiGeneration]), credentials.apiKey);
      return { ...interpretHealth(credentials.apiGeneration, httpStatus, rawBody), httpStatus, latencyMs: elapsed(started) };
    } catch (error) {
      const failure = classifyTransportError(error, this.timeoutMs);
      return { ok: false, status: failure.errorTitle, httpStatus: null, body: null, latencyMs: elapsed(started) };
    }
  }

  /**
   * `GET {baseUrl}/v1/configs/phone_number`: the number the key belongs to (digits), or the failure as a
   * value (httpStatus null: no answer). An answer without a number is a failure too.
   */
  async phoneNumber(credentials: ChannelCredentials): Promise<PhoneNumberResult> {
    const result = await this.callForResult('GET', joinUrl(credentials.baseUrl, PHONE_NUMBER_PATH), credentials.apiKey);
    if (!result.ok) return result;
    const phoneNumber = phoneNumberFrom(result.body);
    if (phoneNumber) return { ok: true, phoneNumber, latencyMs: result.latencyMs };
    return { ok: false, httpStatus: result.httpStatus, errorCode: null, errorTitle: 'the answer names no phone_number', latencyMs: result.latencyMs };
  }

  /** After every beforeApplicationShutdown hook: the sender finishes its sends there, through this agent. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  private async callForResult(method: 'GET' | 'POST', url: string, apiKey: string, body?: unknown, maxBodyBytes?: number): Promise<UpstreamCallResult> {
    const started = performance.now();
    try {
      const { httpStatus, rawBody } = await this.call(method, url, apiKey, body, maxBodyBytes);
      const parsed = parseJson(rawBody);
      if (httpStatus >= 200 && httpStatus < 300) return { ok: true, httpStatus, body: parsed ?? rawBody, latencyMs: elapsed(started) };
      // Error answers keep status, code and a short title: their body is not passed on (it could be anything).
      const { errorCode, details } = parseErrorBody(httpStatus, rawBody);
      return { ok: false, httpStatus, errorCode, errorTitle: publicErrorTitle(httpStatus, rawBody), ...(details !== undefined ? { details } : {}), latencyMs: elapsed(started) };
    } catch (error) {
      const failure = classifyTransportError(error, this.timeoutMs);
      return { ok: false, httpStatus: null, errorCode: null, errorTitle: failure.errorTitle, latencyMs: elapsed(started) };
    }
  }

  /**
   * The one hook every 360dialog call goes through: the policed agent, one deadline (SEND_TIMEOUT_MS)
   * for the whole call, the answer capped (UPSTREAM_MAX_BODY_KB), no redirects (upstream-request.ts).
   */
  private async call(
    method: 'GET' | 'POST',
    url: string,
    apiKey: string,
    body?: unknown,
    maxBodyBytes = this.maxBodyBytes,
  ): Promise<{ httpStatus: number; rawBody: string }> {
    return upstreamRequest(this.agent, {
      method,
      url,
      headers: ['D360-API-KEY', apiKey, 'accept', 'application/json'],
      body,
      deadlineMs: this.timeoutMs,
      maxBodyBytes,
    });
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
