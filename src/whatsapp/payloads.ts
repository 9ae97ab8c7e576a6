import type { ApiGeneration } from './types.js';
import type { ChannelCredentials, TemplateMessage } from './types.js';
import type {
  CloudErrorBody,
  CloudTemplateSendBody,
  HealthAnswer,
  OnPremiseErrorBody,
  OnPremiseTemplateSendBody,
  ProxyErrorBody,
  SendAnswer,
  TemplateSendBody,
  Unchecked,
} from './wire.js';
import { errorMessage } from '../common/errors.js';
import { upstreamPolicyError } from './upstream-policy.js';

/** Pure halves of the 360dialog client: what to send, and how to read what came back (both generations). */

export const DEFAULT_BASE_URL: Record<ApiGeneration, string> = {
  cloud: 'https://waba-v2.360dialog.io',
  onpremise: 'https://waba.360dialog.io',
};

export interface SendRequest {
  url: string;
  body: TemplateSendBody;
}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

export function buildSendRequest(credentials: ChannelCredentials, message: TemplateMessage): SendRequest {
  const { template } = message;
  // Only components that carry variables are sent; an empty list is left out entirely.
  const components = template.components.length > 0 ? { components: template.components } : {};
  if (credentials.apiGeneration === 'onpremise') {
    const body: OnPremiseTemplateSendBody = {
      to: message.to,
      type: 'template',
      template: {
        namespace: template.namespace ?? credentials.templateNamespace,
        name: template.name,
        language: { policy: 'deterministic', code: template.language },
        ...components,
      },
    };
    return { url: joinUrl(credentials.baseUrl, '/v1/messages'), body };
  }
  const body: CloudTemplateSendBody = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to,
    type: 'template',
    ...(message.callbackData !== undefined ? { biz_opaque_callback_data: message.callbackData } : {}),
    template: { name: template.name, language: { code: template.language }, ...components },
  };
  if (message.endpoint === 'marketing_messages') {
    // Same body and key as /messages (docs/whatsapp-api.md); the TTL is only taken here.
    if (message.ttlSeconds) body.message_send_ttl_seconds = message.ttlSeconds;
    return { url: joinUrl(credentials.baseUrl, '/marketing_messages'), body };
  }
  return { url: joinUrl(credentials.baseUrl, '/messages'), body };
}

/** `messages[0].id` of a send answer (wire.ts SendAnswer; same place in both generations), or null. */
export function messageIdFrom(body: unknown): string | null {
  const messages = asRecord<SendAnswer>(body)?.messages;
  if (!Array.isArray(messages)) return null;
  const id = asRecord<SendAnswer['messages'][number]>(messages[0])?.id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

export interface UpstreamError {
  errorCode: number | null;
  errorTitle: string;
  details?: string;
}

const HTTP_REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Reads the three error shapes 360dialog answers with (wire.ts ErrorBody): Cloud `{error:{…}}`,
 * On-Premise `{errors:[…]}` and 360dialog's own proxy layer `{meta:{success:false,developer_message}}`.
 * Anything else (HTML from a load balancer, plain text) keeps the HTTP status as title and a snippet as details.
 */
export function parseErrorBody(httpStatus: number, rawBody: string): UpstreamError {
  const body = parseJson(rawBody);
  const cloud = asRecord<CloudErrorBody['error']>(asRecord<CloudErrorBody>(body)?.error);
  if (cloud) {
    const details = asRecord<NonNullable<CloudErrorBody['error']['error_data']>>(cloud.error_data)?.details;
    return {
      errorCode: toCode(cloud.code),
      errorTitle: stringOr(cloud.message, stringOr(cloud.error_user_title, httpTitle(httpStatus))),
      ...optionalDetails(details ?? cloud.error_user_msg),
    };
  }
  const onPremise = asRecord<OnPremiseErrorBody>(body)?.errors;
  if (Array.isArray(onPremise) && onPremise.length > 0) {
    // `message` is not in the documented shape; read as a fallback all the same.
    const first: Record<string, unknown> = asRecord(onPremise[0]) ?? {};
    return {
      errorCode: toCode(first.code),
      errorTitle: stringOr(first.title, stringOr(first.message, httpTitle(httpStatus))),
      ...optionalDetails(first.details),
    };
  }
  const meta = asRecord<ProxyErrorBody['meta']>(asRecord<ProxyErrorBody>(body)?.meta);
  if (meta && typeof meta.developer_message === 'string') {
    return { errorCode: null, errorTitle: meta.developer_message };
  }
  const text = rawBody.trim();
  if (body === undefined && text.length > 0 && text.length <= 200 && !text.startsWith('<')) {
    return { errorCode: null, errorTitle: text };
  }
  return { errorCode: null, errorTitle: httpTitle(httpStatus), ...optionalDetails(text.slice(0, 300)) };
}

/** Longest upstream error title shown to an API user. */
const PUBLIC_TITLE_LENGTH = 200;

/**
 * The title an API user is shown for a failed call (channel health, webhook registration, template
 * sync): the error message of a JSON error body in one of 360dialog's shapes, cut to 200 characters,
 * else the HTTP status line. Never the body itself (an HTML page, plain text, unknown JSON).
 */
export function publicErrorTitle(httpStatus: number, rawBody: string): string {
  if (parseJson(rawBody) === undefined) return httpTitle(httpStatus);
  const title = parseErrorBody(httpStatus, rawBody).errorTitle;
  return title.length > PUBLIC_TITLE_LENGTH ? `${title.slice(0, PUBLIC_TITLE_LENGTH - 1)}…` : title;
}

const THROTTLE_CODES = new Set([130429, 1015]);
const RATE_LIMIT_TEXT = /rate limit/i;

/** The three throttling answers of docs/whatsapp-api.md: HTTP 429, code 130429/1015, or 400 with the proxy's text. */
export function isThrottlingAnswer(httpStatus: number, error: UpstreamError): boolean {
  if (httpStatus === 429) return true;
  if (error.errorCode !== null) return THROTTLE_CODES.has(error.errorCode);
  return httpStatus === 400 && RATE_LIMIT_TEXT.test(`${error.errorTitle} ${error.details ?? ''}`);
}

/** A gateway timeout means a proxy gave up waiting: the message may well have gone out behind it. */
export function httpStatusLeavesOutcomeUnknown(httpStatus: number): boolean {
  return httpStatus === 504;
}

export interface TransportFailure {
  errorTitle: string;
  outcomeUnknown: boolean;
}

/**
 * Errors raised before a single byte of the request could have left: nothing was sent, so a resend
 * is safe. Every other transport error (timeouts, resets, sockets closed mid-request) may come after
 * 360dialog took the message, so the outcome is unknown.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_CLOSED',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR', 'UND_ERR_ABORTED']);

export function classifyTransportError(error: unknown, timeoutMs: number): TransportFailure {
  // Refused by UPSTREAM_ALLOWED_HOSTS before anything was connected: nothing was sent.
  const refused = upstreamPolicyError(error);
  if (refused) return { errorTitle: `Not sent: ${refused.message}`, outcomeUnknown: false };
  const code = errorCode(error);
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return { errorTitle: `Could not reach 360dialog (${code})`, outcomeUnknown: false };
  }
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || isTimeoutName(error)) {
    return { errorTitle: `No answer from 360dialog within ${timeoutMs} ms (timeout)`, outcomeUnknown: true };
  }
  const message = errorMessage(error);
  return { errorTitle: `Connection to 360dialog failed: ${code ? `${code} ` : ''}${message}`.trim(), outcomeUnknown: true };
}

/** The error code of a transport error, looking through `cause` and AggregateError (happy eyeballs). */
export function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && own !== 'UND_ERR') return own;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) {
    for (const inner of nested) {
      const found = errorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

function isTimeoutName(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

export interface HealthReading {
  ok: boolean;
  status: string;
  /** What 360dialog answered, when it says something about health (null otherwise). */
  body: unknown;
}

/**
 * Where a channel's health is read. On-Premise has `GET /v1/health`; the Cloud API has no health
 * endpoint, so there the templates list (both generations have it) proves 360dialog answers and
 * accepts the API key.
 */
export const HEALTH_CHECK_PATH: Record<ApiGeneration, string> = {
  onpremise: '/v1/health',
  cloud: '/v1/configs/templates',
};

/**
 * On-Premise answers `{health:{gateway_status:"connected"}}`; some setups nest per-node statuses. A
 * Cloud 2xx is healthy and its body (the template list) is not health information.
 */
export function interpretHealth(generation: ApiGeneration, httpStatus: number, rawBody: string): HealthReading {
  if (httpStatus < 200 || httpStatus >= 300) {
    // An error answer's body is never shown (it could be anything the address answers): its title only.
    const title = publicErrorTitle(httpStatus, rawBody);
    return { ok: false, status: title.startsWith('HTTP ') ? title : `${title} (HTTP ${httpStatus})`, body: null };
  }
  if (generation === 'cloud') return { ok: true, status: 'ok', body: null };
  return { ...gatewayHealth(rawBody), body: parseJson(rawBody) ?? null };
}

/** Reads wire.ts HealthAnswer. */
function gatewayHealth(rawBody: string): Omit<HealthReading, 'body'> {
  const health = asRecord(asRecord<HealthAnswer>(parseJson(rawBody))?.health);
  if (!health) return { ok: true, status: 'ok' };
  const statuses = collectGatewayStatuses(health);
  if (statuses.length === 0) return { ok: true, status: 'ok' };
  const bad = statuses.filter((status) => status !== 'connected');
  return bad.length === 0 ? { ok: true, status: 'connected' } : { ok: false, status: [...new Set(bad)].join(', ') };
}

function collectGatewayStatuses(node: Record<string, unknown>, depth = 0): string[] {
  if (depth > 3) return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'gateway_status' && typeof value === 'string') found.push(value);
    const nested = asRecord(value);
    if (nested) found.push(...collectGatewayStatuses(nested, depth + 1));
  }
  return found;
}

export function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** An object read as the wire shape T (its fields still unchecked), or undefined. */
function asRecord<T = Record<string, unknown>>(value: unknown): Unchecked<T> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Unchecked<T>) : undefined;
}

function toCode(value: unknown): number | null {
  const code = typeof value === 'string' ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) ? code : null;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim().length > 0 ? value : fallback;
}

function optionalDetails(value: unknown): { details?: string } {
  if (typeof value === 'string' && value.length > 0) return { details: value };
  if (typeof value === 'object' && value !== null) return { details: JSON.stringify(value) };
  return {};
}

function httpTitle(httpStatus: number): string {
  return `HTTP ${httpStatus}${HTTP_REASONS[httpStatus] ? ` ${HTTP_REASONS[httpStatus]}` : ''}`;
}
