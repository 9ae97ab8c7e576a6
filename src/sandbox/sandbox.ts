import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createRateLimiter, MaxInWindowTracker, type RateLimiter, type RateWindowMode } from './rate-window.js';
import {
  type AccountInfo,
  type AcceptedSend,
  type CatalogueFailure,
  errorBody,
  FAILURE_CATALOGUE,
  type Generation,
  healthBody,
  inboundWebhookBody,
  isRecord,
  messageId,
  proxyErrorBody,
  type SandboxTemplate,
  sendAnswer,
  type StatusEvent,
  type StatusName,
  templatesBody,
  type ThrottleStyle,
  throttleAnswer,
  validateSendBody,
  type WhatsAppError,
} from './sandbox-payloads.js';
import { type WebhookDeliveryOptions, WebhookDispatcher, type WebhookStats, type WebhookTarget } from './webhook-dispatcher.js';
import { errorMessage } from '../common/errors.js';

export type { Generation, StatusName, ThrottleStyle, SandboxTemplate, WhatsAppError } from './sandbox-payloads.js';

export interface SandboxKeyOptions {
  generation: Generation;
  /** Overrides the sandbox-wide messagesPerSecond for this key; null = unlimited. */
  messagesPerSecond?: number | null;
  /** Default: code130429 for cloud, http429 for onpremise. */
  throttleStyle?: ThrottleStyle;
  /** On-Premise: when set, sends must use exactly this namespace (and templates report it). */
  templateNamespace?: string | null;
  /** The number shown in webhook metadata. */
  displayPhoneNumber?: string;
}

/** A number configured to fail: at send time (`when: 'send'`) or accepted and then a `failed` status webhook. */
export interface FailingNumber {
  code: number;
  title: string;
  details?: string;
  when?: 'send' | 'webhook';
}

export interface SandboxBehaviour {
  /** Per API key, unless the key sets its own; null = unlimited. */
  messagesPerSecond: number | null;
  /** sliding: at most N in any 1000 ms; fixed: at most N per aligned second. */
  rateWindow: RateWindowMode;
  /** Forces one throttling answer for every key; null = each key's own (by generation). */
  throttleStyle: ThrottleStyle | null;
  /** Statuses posted after each accepted message. */
  statuses: Array<Exclude<StatusName, 'failed'>>;
  /** Delay after acceptance, per status. */
  statusDelaysMs: Record<StatusName, number>;
  /** wa_id → failure. */
  failingNumbers: Record<string, FailingNumber>;
  /** Share (0..1) of statuses posted a second time a little later, as 360dialog does now and then. */
  duplicateStatusRate: number;
  /** Added before every answer, to mimic network and upstream latency. */
  responseDelayMs: number;
  gatewayStatus: string;
  templates: SandboxTemplate[];
  /** When true, only the configured templates can be sent (132001 otherwise). */
  enforceTemplates: boolean;
  /** How many accepted messages GET /_sandbox/messages can show. */
  recentMessagesLimit: number;
  webhook: WebhookDeliveryOptions;
}

export type BehaviourPatch = Partial<Omit<SandboxBehaviour, 'webhook' | 'statusDelaysMs'>> & {
  statusDelaysMs?: Partial<Record<StatusName, number>>;
  webhook?: Partial<WebhookDeliveryOptions>;
};

export interface SandboxOptions extends BehaviourPatch {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** API key → generation or options. */
  keys?: Record<string, Generation | SandboxKeyOptions>;
  /** Logs a line per admin action and webhook registration. */
  log?: (line: string) => void;
}

export type FailureKind =
  | 'server_error'
  | 'hang'
  | 'reset'
  | 'unauthorized'
  | 'throttle'
  | 'lost_response'
  | 'error'
  | CatalogueFailure;

export type SandboxEndpoint = 'messages' | 'webhook' | 'health' | 'templates' | 'any';

/**
 * Makes the next `count` matching requests fail:
 * - `server_error`: HTTP `httpStatus` (default 500) from 360dialog's layer;
 * - `hang`: never answers (the client times out);
 * - `reset`: closes the connection without an answer;
 * - `unauthorized`: 401 as for a wrong key;
 * - `throttle`: the key's throttling answer;
 * - `lost_response`: the message IS accepted (counted, statuses posted) but the connection is closed
 *   before the answer — the client's outcome is unknown;
 * - `pair_rate_limit` (131056), `template_paused` (132015), `payment` (131042 / On-Prem 402);
 * - `error`: a custom `httpStatus`/`code`/`title`/`details` in the key's generation shape.
 */
export interface InjectedFailure {
  kind: FailureKind;
  /** Default 1. */
  count?: number;
  /** Default `messages`. */
  endpoint?: SandboxEndpoint;
  /** Only requests with this API key. */
  apiKey?: string;
  /** Messages only: only sends to this wa_id. */
  to?: string;
  httpStatus?: number;
  code?: number;
  title?: string;
  details?: string;
}

export interface AcceptedMessage {
  id: string;
  apiKey: string;
  generation: Generation;
  to: string;
  template: string;
  language: string;
  namespace: string | null;
  callbackData: string | null;
  components: unknown[];
  acceptedAt: string;
}

export interface KeyStats {
  generation: Generation;
  messagesPerSecond: number | null;
  accepted: number;
  throttled: number;
  maxAcceptedInOneSecond: number;
  webhookUrl: string | null;
}

export interface SandboxStats {
  /** Messages accepted (answered with a message id, or lost_response). */
  accepted: number;
  uniqueRecipients: number;
  /** wa_ids that received more than one message. */
  duplicateRecipients: number;
  /** accepted − uniqueRecipients. */
  duplicateMessages: number;
  throttled: number;
  /** 400 answers to invalid sends. */
  rejected: number;
  /** Sends answered with a configured failing number's error. */
  failedAtSend: number;
  unauthorized: number;
  /** Requests answered by an injected failure. */
  injected: number;
  /** Statuses scheduled twice (duplicateStatusRate). */
  duplicateStatuses: number;
  /** The most messages accepted in any 1000 ms, over all keys. */
  maxAcceptedInOneSecond: number;
  firstAcceptedAt: string | null;
  lastAcceptedAt: string | null;
  keys: Record<string, KeyStats>;
  webhooks: WebhookStats;
  /** Only with `{ perWaId: true }` / `?perWaId=1`. */
  acceptedByWaId?: Record<string, number>;
}

export interface InboundResult {
  messageId: string;
  delivered: boolean;
}

export interface Sandbox {
  url: string;
  port: number;
  stats(options?: { perWaId?: boolean }): SandboxStats;
  /** How many messages were accepted for this wa_id. */
  acceptedFor(waId: string): number;
  acceptedByWaId(): ReadonlyMap<string, number>;
  /** The last accepted messages (up to recentMessagesLimit), oldest first. */
  recentMessages(filter?: { to?: string; limit?: number }): AcceptedMessage[];
  behaviour(): SandboxBehaviour;
  configure(patch: BehaviourPatch): void;
  addKey(apiKey: string, options: Generation | SandboxKeyOptions): void;
  removeKey(apiKey: string): void;
  /** Registers a webhook as POST /v1/configs/webhook would. */
  setWebhook(apiKey: string, target: WebhookTarget | null): void;
  webhookFor(apiKey: string): WebhookTarget | null;
  injectFailure(failure: InjectedFailure): void;
  clearFailures(): void;
  /** Posts an inbound text message webhook from `from` (a wa_id) to the key's registered webhook. */
  sendInbound(apiKey: string, from: string, text: string, options?: { profileName?: string }): Promise<InboundResult>;
  /** Resolves true once no webhook is waiting or in flight; false after timeoutMs (default 10 s). */
  webhooksIdle(timeoutMs?: number): Promise<boolean>;
  /** Clears counters, queued webhooks, injected failures and recent messages; keeps keys, webhooks and behaviour. */
  reset(): void;
  close(): Promise<void>;
}

interface KeyState {
  apiKey: string;
  generation: Generation;
  ownMessagesPerSecond: number | null | undefined;
  throttleStyle: ThrottleStyle;
  templateNamespace: string | null;
  account: AccountInfo;
  webhook: WebhookTarget | null;
  limiter: RateLimiter | null;
  accepted: number;
  throttled: number;
  tracker: MaxInWindowTracker;
}

interface PendingFailure extends InjectedFailure {
  remaining: number;
}

const DEFAULT_TEMPLATES: SandboxTemplate[] = [
  { name: 'hello_world', language: 'en_US', category: 'UTILITY', body: 'Hello World' },
  { name: 'spring_sale', language: 'en', category: 'MARKETING', body: 'Hi {{1}}, our spring sale starts today!' },
  { name: 'spring_sale', language: 'de', category: 'MARKETING', body: 'Hallo {{1}}, unser Frühlingsverkauf beginnt heute!' },
  { name: 'order_update', language: 'en', category: 'UTILITY', body: 'Your order {{1}} is on its way.' },
];

const DEFAULT_NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';
const MAX_BODY_BYTES = 1024 * 1024;

export const DEFAULT_BEHAVIOUR: SandboxBehaviour = {
  messagesPerSecond: null,
  rateWindow: 'sliding',
  throttleStyle: null,
  statuses: ['sent', 'delivered', 'read'],
  statusDelaysMs: { sent: 10, delivered: 30, read: 60, failed: 30 },
  failingNumbers: {},
  duplicateStatusRate: 0,
  responseDelayMs: 0,
  gatewayStatus: 'connected',
  templates: DEFAULT_TEMPLATES,
  enforceTemplates: false,
  recentMessagesLimit: 1000,
  webhook: { batchSize: 50, concurrency: 8, timeoutMs: 5000, initialRetryDelayMs: 200, maxRetryDelayMs: 10_000, maxAttempts: 20 },
};

class RequestError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A fake 360dialog on a real port, both API generations: POST /messages (Cloud) and /v1/messages
 * (On-Premise), /v1/configs/webhook, /v1/configs/templates, /v1/health (On-Premise only), and /_sandbox/* for scripts in
 * other processes (stats, reset, config, keys, failures, inbound, messages, webhooks, idle).
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const runId = randomBytes(5).toString('hex');
  const { port: requestedPort, host: requestedHost, keys: initialKeys, log: logOption, ...initialBehaviour } = options;
  const log = logOption ?? (() => undefined);
  let behaviour: SandboxBehaviour = DEFAULT_BEHAVIOUR;
  checkBehaviourPatch(initialBehaviour);
  behaviour = mergeBehaviour(behaviour, initialBehaviour);
  const keys = new Map<string, KeyState>();
  let failures: PendingFailure[] = [];
  let sequence = 0;
  let traceSequence = 0;
  const hanging = new Set<ServerResponse>();

  let counters = freshCounters();
  let acceptedByWaId = new Map<string, number>();
  let recent: AcceptedMessage[] = [];
  let totalTracker = new MaxInWindowTracker();

  const dispatcher = new WebhookDispatcher(behaviour.webhook, (apiKey) => {
    const key = keys.get(apiKey);
    return key ? { generation: key.generation, account: key.account, webhook: key.webhook } : undefined;
  });

  function freshCounters() {
    return { accepted: 0, throttled: 0, rejected: 0, failedAtSend: 0, unauthorized: 0, injected: 0, duplicateStatuses: 0, firstAcceptedAt: null as number | null, lastAcceptedAt: null as number | null };
  }

  function traceId(): string {
    traceSequence += 1;
    return `${runId}${traceSequence.toString(36)}`;
  }

  function limiterFor(key: KeyState): RateLimiter | null {
    const limit = key.ownMessagesPerSecond === undefined ? behaviour.messagesPerSecond : key.ownMessagesPerSecond;
    return createRateLimiter(limit, behaviour.rateWindow);
  }

  function addKey(apiKey: string, keyOptions: Generation | SandboxKeyOptions): void {
    if (!apiKey) throw new RequestError(400, 'apiKey is required');
    const settings: SandboxKeyOptions = typeof keyOptions === 'string' ? { generation: keyOptions } : keyOptions;
    if (settings.generation !== 'cloud' && settings.generation !== 'onpremise') throw new RequestError(400, 'generation must be cloud or onpremise');
    const digits = BigInt(`0x${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`).toString().slice(0, 15);
    const previous = keys.get(apiKey);
    const key: KeyState = {
      apiKey,
      generation: settings.generation,
      ownMessagesPerSecond: settings.messagesPerSecond,
      throttleStyle: settings.throttleStyle ?? (settings.generation === 'cloud' ? 'code130429' : 'http429'),
      templateNamespace: settings.templateNamespace ?? null,
      account: { wabaId: `1${digits}`.slice(0, 15), phoneNumberId: `2${digits}`.slice(0, 15), displayPhoneNumber: settings.displayPhoneNumber ?? `1555${digits.slice(0, 7)}` },
      webhook: previous?.webhook ?? null,
      limiter: null,
      accepted: previous?.accepted ?? 0,
      throttled: previous?.throttled ?? 0,
      tracker: previous?.tracker ?? new MaxInWindowTracker(),
    };
    key.limiter = limiterFor(key);
    keys.set(apiKey, key);
  }

  for (const [apiKey, keyOptions] of Object.entries(initialKeys ?? {})) addKey(apiKey, keyOptions);

  function configure(patch: BehaviourPatch): void {
    checkBehaviourPatch(patch);
    behaviour = mergeBehaviour(behaviour, patch);
    dispatcher.options = behaviour.webhook;
    if (patch.messagesPerSecond !== undefined || patch.rateWindow !== undefined) {
      for (const key of keys.values()) key.limiter = limiterFor(key);
    }
  }

  function reset(): void {
    counters = freshCounters();
    acceptedByWaId = new Map();
    recent = [];
    totalTracker = new MaxInWindowTracker();
    failures = [];
    for (const key of keys.values()) {
      key.accepted = 0;
      key.throttled = 0;
      key.tracker = new MaxInWindowTracker();
      key.limiter = limiterFor(key);
    }
    dispatcher.reset();
  }

  function injectFailure(failure: InjectedFailure): void {
    const kinds: FailureKind[] = ['server_error', 'hang', 'reset', 'unauthorized', 'throttle', 'lost_response', 'error', 'pair_rate_limit', 'template_paused', 'payment'];
    if (!kinds.includes(failure.kind)) throw new RequestError(400, `kind must be one of ${kinds.join(', ')}`);
    failures.push({ ...failure, remaining: failure.count ?? 1 });
  }

  function takeFailure(endpoint: SandboxEndpoint, apiKey: string, to: string | undefined): PendingFailure | undefined {
    const index = failures.findIndex((failure) => {
      const scope = failure.endpoint ?? 'messages';
      return (scope === 'any' || scope === endpoint) && (failure.apiKey === undefined || failure.apiKey === apiKey) && (failure.to === undefined || failure.to === to);
    });
    if (index < 0) return undefined;
    const failure = failures[index];
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.splice(index, 1);
    counters.injected += 1;
    return failure;
  }

  /** `now` is the instant the rate limiter admitted the message, so the stats measure exactly what it bounds. */
  function recordAccepted(key: KeyState, send: AcceptedSend, id: string, now: number): void {
    const wallClock = Date.now();
    counters.accepted += 1;
    counters.firstAcceptedAt ??= wallClock;
    counters.lastAcceptedAt = wallClock;
    key.accepted += 1;
    key.tracker.record(now);
    totalTracker.record(now);
    acceptedByWaId.set(send.to, (acceptedByWaId.get(send.to) ?? 0) + 1);
    if (behaviour.recentMessagesLimit > 0) {
      recent.push({
        id,
        apiKey: key.apiKey,
        generation: key.generation,
        to: send.to,
        template: send.templateName,
        language: send.language,
        namespace: send.namespace,
        callbackData: send.callbackData,
        components: send.components,
        acceptedAt: new Date(wallClock).toISOString(),
      });
      if (recent.length > behaviour.recentMessagesLimit * 2) recent = recent.slice(-behaviour.recentMessagesLimit);
    }
    const timestamp = Math.floor(wallClock / 1000);
    const base = { messageId: id, recipientId: send.to, timestamp, callbackData: send.callbackData };
    const failing = behaviour.failingNumbers[send.to];
    if (failing) {
      const error: WhatsAppError = { code: failing.code, title: failing.title, ...(failing.details ? { details: failing.details } : {}) };
      dispatcher.scheduleStatus(key.apiKey, { ...base, status: 'failed', error }, behaviour.statusDelaysMs.failed);
      return;
    }
    for (const status of behaviour.statuses) {
      const event: StatusEvent = { ...base, status };
      dispatcher.scheduleStatus(key.apiKey, event, behaviour.statusDelaysMs[status]);
      if (behaviour.duplicateStatusRate > 0 && Math.random() < behaviour.duplicateStatusRate) {
        counters.duplicateStatuses += 1;
        dispatcher.scheduleStatus(key.apiKey, event, behaviour.statusDelaysMs[status] + behaviour.statusDelaysMs.read + 1);
      }
    }
  }

  function reply(response: ServerResponse, httpStatus: number, body: unknown): void {
    const payload = JSON.stringify(body);
    const send = () => {
      if (response.destroyed) return;
      response.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      response.end(payload);
    };
    if (behaviour.responseDelayMs > 0) setTimeout(send, behaviour.responseDelayMs);
    else send();
  }

  function answerFailure(failure: PendingFailure, key: KeyState, response: ServerResponse): void {
    switch (failure.kind) {
      case 'hang':
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'unauthorized':
        counters.unauthorized += 1;
        reply(response, 401, proxyErrorBody(401, 'Invalid api key', traceId()));
        return;
      case 'server_error': {
        const httpStatus = failure.httpStatus ?? 500;
        reply(response, httpStatus, proxyErrorBody(httpStatus, failure.title ?? 'Internal server error', traceId()));
        return;
      }
      case 'throttle': {
        counters.throttled += 1;
        key.throttled += 1;
        const answer = throttleAnswer(key.generation, behaviour.throttleStyle ?? key.throttleStyle, traceId());
        reply(response, answer.httpStatus, answer.body);
        return;
      }
      case 'error':
        reply(
          response,
          failure.httpStatus ?? 400,
          errorBody(key.generation, { code: failure.code ?? 131000, title: failure.title ?? 'Something went wrong', ...(failure.details ? { details: failure.details } : {}) }, traceId()),
        );
        return;
      case 'lost_response': // on sends, the send route accepts the message first; elsewhere it is a plain reset
        response.socket?.destroy();
        return;
      default: {
        const error = FAILURE_CATALOGUE[failure.kind][key.generation];
        reply(response, 400, errorBody(key.generation, error, traceId()));
      }
    }
  }

  function handleSend(key: KeyState, body: unknown, response: ServerResponse): void {
    const to = isRecord(body) && typeof body.to === 'string' ? body.to : undefined;
    const failure = takeFailure('messages', key.apiKey, to);
    if (failure && failure.kind !== 'lost_response') return answerFailure(failure, key, response);
    const now = performance.now();
    if (key.limiter && !key.limiter.tryAcquire(now)) {
      counters.throttled += 1;
      key.throttled += 1;
      const answer = throttleAnswer(key.generation, behaviour.throttleStyle ?? key.throttleStyle, traceId());
      return reply(response, answer.httpStatus, answer.body);
    }
    const templateNames = behaviour.enforceTemplates ? new Set(behaviour.templates.map((template) => template.name)) : null;
    const validation = validateSendBody(key.generation, body, { namespace: key.templateNamespace, templateNames });
    if (!validation.ok) {
      counters.rejected += 1;
      return reply(response, 400, errorBody(key.generation, validation.error, traceId()));
    }
    const failing = behaviour.failingNumbers[validation.send.to];
    if (failing && (failing.when ?? 'send') === 'send') {
      counters.failedAtSend += 1;
      const error: WhatsAppError = { code: failing.code, title: failing.title, ...(failing.details ? { details: failing.details } : {}) };
      return reply(response, 400, errorBody(key.generation, error, traceId()));
    }
    sequence += 1;
    const id = messageId(key.generation, runId, sequence, validation.send.to);
    recordAccepted(key, validation.send, id, now);
    if (failure?.kind === 'lost_response') {
      response.socket?.destroy();
      return;
    }
    const answer = sendAnswer(key.generation, validation.send.to, id);
    reply(response, answer.httpStatus, answer.body);
  }

  function handleWebhookRegistration(key: KeyState, body: unknown, response: ServerResponse): void {
    const failure = takeFailure('webhook', key.apiKey, undefined);
    if (failure) return answerFailure(failure, key, response);
    if (!isRecord(body) || typeof body.url !== 'string') {
      return reply(response, 400, proxyErrorBody(400, "Invalid webhook config: 'url' is required", traceId()));
    }
    let parsed: URL;
    try {
      parsed = new URL(body.url);
    } catch {
      return reply(response, 400, proxyErrorBody(400, `Invalid webhook url: ${body.url}`, traceId()));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return reply(response, 400, proxyErrorBody(400, 'Webhook url must be http or https', traceId()));
    }
    const headers: Record<string, string> = {};
    if (body.headers !== undefined) {
      if (!isRecord(body.headers)) return reply(response, 400, proxyErrorBody(400, "Invalid webhook config: 'headers' must be an object", traceId()));
      for (const [name, value] of Object.entries(body.headers)) {
        if (typeof value !== 'string') return reply(response, 400, proxyErrorBody(400, `Invalid webhook header ${name}: values must be strings`, traceId()));
        headers[name] = value;
      }
    }
    key.webhook = { url: body.url, headers };
    log(`webhook for key …${key.apiKey.slice(-4)} (${key.generation}) → ${body.url}`);
    reply(response, 200, { url: body.url });
  }

  async function handleAdmin(method: string, path: string, query: URLSearchParams, body: unknown, response: ServerResponse): Promise<void> {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /_sandbox/stats':
        return reply(response, 200, stats({ perWaId: query.get('perWaId') === '1' || query.get('perWaId') === 'true' }));
      case 'POST /_sandbox/reset':
        reset();
        log('reset');
        return reply(response, 200, { reset: true });
      case 'GET /_sandbox/config':
        return reply(response, 200, behaviour);
      case 'POST /_sandbox/config':
        if (!isRecord(body)) throw new RequestError(400, 'body must be a JSON object');
        configure(body as BehaviourPatch);
        log(`config ${JSON.stringify(body)}`);
        return reply(response, 200, behaviour);
      case 'GET /_sandbox/keys':
        return reply(response, 200, { keys: [...keys.values()].map(describeKey) });
      case 'POST /_sandbox/keys': {
        if (!isRecord(body) || typeof body.apiKey !== 'string') throw new RequestError(400, 'body must be {"apiKey","generation",…}');
        const { apiKey, ...keyOptions } = body;
        addKey(apiKey, keyOptions as unknown as SandboxKeyOptions);
        log(`key …${apiKey.slice(-4)} registered (${String(keyOptions.generation)})`);
        return reply(response, 201, describeKey(keys.get(apiKey) as KeyState));
      }
      case 'POST /_sandbox/failures':
        if (!isRecord(body) || typeof body.kind !== 'string') throw new RequestError(400, 'body must be {"kind",…}');
        injectFailure(body as unknown as InjectedFailure);
        return reply(response, 201, { pending: failures.map(({ remaining, ...failure }) => ({ ...failure, remaining })) });
      case 'DELETE /_sandbox/failures':
        failures = [];
        return reply(response, 200, { pending: [] });
      case 'POST /_sandbox/inbound': {
        if (!isRecord(body) || typeof body.apiKey !== 'string' || typeof body.from !== 'string' || typeof body.text !== 'string') {
          throw new RequestError(400, 'body must be {"apiKey","from","text"[,"name"]}');
        }
        const result = await sendInbound(body.apiKey, body.from, body.text, { profileName: typeof body.name === 'string' ? body.name : undefined });
        return reply(response, 200, result);
      }
      case 'GET /_sandbox/messages': {
        const limit = Number(query.get('limit') ?? 100);
        return reply(response, 200, { items: recentMessages({ to: query.get('to') ?? undefined, limit: Number.isFinite(limit) ? limit : 100 }) });
      }
      case 'GET /_sandbox/webhooks':
        return reply(response, 200, { webhooks: Object.fromEntries([...keys.values()].map((key) => [key.apiKey, key.webhook])) });
      case 'GET /_sandbox/idle': {
        const timeoutMs = Number(query.get('timeoutMs') ?? 10_000);
        return reply(response, 200, { idle: await dispatcher.idle(Number.isFinite(timeoutMs) ? timeoutMs : 10_000), webhooks: dispatcher.stats });
      }
      default:
        throw new RequestError(404, `No sandbox admin route ${route}`);
    }
  }

  function describeKey(key: KeyState) {
    return {
      apiKey: key.apiKey,
      generation: key.generation,
      messagesPerSecond: key.limiter?.limit ?? null,
      throttleStyle: behaviour.throttleStyle ?? key.throttleStyle,
      templateNamespace: key.templateNamespace,
      account: key.account,
      webhook: key.webhook,
    };
  }

  async function route(request: IncomingMessage, response: ServerResponse, rawBody: string): Promise<void> {
    const method = request.method ?? 'GET';
    const queryStart = (request.url ?? '/').indexOf('?');
    const path = queryStart < 0 ? (request.url ?? '/') : (request.url ?? '/').slice(0, queryStart);
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = Symbol.for('invalid-json');
      }
    }

    if (path.startsWith('/_sandbox/')) {
      if (typeof body === 'symbol') throw new RequestError(400, 'body is not valid JSON');
      const query = new URLSearchParams(queryStart < 0 ? '' : (request.url ?? '').slice(queryStart + 1));
      return handleAdmin(method, path, query, body, response);
    }

    const apiKeyHeader = request.headers['d360-api-key'];
    const key = typeof apiKeyHeader === 'string' ? keys.get(apiKeyHeader) : undefined;
    if (!key) {
      counters.unauthorized += 1;
      return reply(response, 401, proxyErrorBody(401, 'Invalid api key', traceId()));
    }

    if (typeof body === 'symbol') {
      counters.rejected += 1;
      return reply(response, 400, errorBody(key.generation, { code: 100, title: 'Invalid parameter', details: 'The request body is not valid JSON' }, traceId()));
    }

    if (method === 'POST' && (path === '/messages' || path === '/v1/messages')) {
      const expected = key.generation === 'cloud' ? '/messages' : '/v1/messages';
      if (path !== expected) {
        return reply(response, 404, proxyErrorBody(404, `This API key belongs to a ${key.generation === 'cloud' ? 'Cloud API' : 'On-Premise'} number: send to POST ${expected}`, traceId()));
      }
      return handleSend(key, body, response);
    }
    if (method === 'POST' && path === '/v1/configs/webhook') return handleWebhookRegistration(key, body, response);
    if (method === 'GET' && path === '/v1/configs/webhook') return reply(response, 200, { url: key.webhook?.url ?? null });
    // The Cloud API has no health endpoint (docs/whatsapp-api.md): a Cloud key gets the proxy's 404.
    if (method === 'GET' && path === '/v1/health' && key.generation === 'onpremise') {
      const failure = takeFailure('health', key.apiKey, undefined);
      if (failure) return answerFailure(failure, key, response);
      return reply(response, 200, healthBody(behaviour.gatewayStatus));
    }
    if (method === 'GET' && path === '/v1/configs/templates') {
      const failure = takeFailure('templates', key.apiKey, undefined);
      if (failure) return answerFailure(failure, key, response);
      return reply(response, 200, templatesBody(behaviour.templates, key.templateNamespace ?? DEFAULT_NAMESPACE));
    }
    return reply(response, 404, proxyErrorBody(404, `Unknown endpoint ${method} ${path}`, traceId()));
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reply(response, 413, proxyErrorBody(413, 'Request body too large', traceId()));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const rawBody = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      route(request, response, rawBody).catch((error: unknown) => {
        if (error instanceof RequestError) return reply(response, error.httpStatus, { error: error.message });
        reply(response, 500, proxyErrorBody(500, errorMessage(error), traceId()));
      });
    });
  });
  // Long keep-alive so a client's pooled connections are not closed under it between bursts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort ?? 0, requestedHost ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = requestedHost && requestedHost !== '0.0.0.0' && requestedHost !== '::' ? requestedHost : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  function stats(statsOptions: { perWaId?: boolean } = {}): SandboxStats {
    let duplicateRecipients = 0;
    for (const count of acceptedByWaId.values()) if (count > 1) duplicateRecipients += 1;
    return {
      accepted: counters.accepted,
      uniqueRecipients: acceptedByWaId.size,
      duplicateRecipients,
      duplicateMessages: counters.accepted - acceptedByWaId.size,
      throttled: counters.throttled,
      rejected: counters.rejected,
      failedAtSend: counters.failedAtSend,
      unauthorized: counters.unauthorized,
      injected: counters.injected,
      duplicateStatuses: counters.duplicateStatuses,
      maxAcceptedInOneSecond: totalTracker.max,
      firstAcceptedAt: counters.firstAcceptedAt === null ? null : new Date(counters.firstAcceptedAt).toISOString(),
      lastAcceptedAt: counters.lastAcceptedAt === null ? null : new Date(counters.lastAcceptedAt).toISOString(),
      keys: Object.fromEntries(
        [...keys.values()].map((key) => [
          key.apiKey,
          {
            generation: key.generation,
            messagesPerSecond: key.limiter?.limit ?? null,
            accepted: key.accepted,
            throttled: key.throttled,
            maxAcceptedInOneSecond: key.tracker.max,
            webhookUrl: key.webhook?.url ?? null,
          },
        ]),
      ),
      webhooks: dispatcher.stats,
      ...(statsOptions.perWaId ? { acceptedByWaId: Object.fromEntries(acceptedByWaId) } : {}),
    };
  }

  function recentMessages(filter: { to?: string; limit?: number } = {}): AcceptedMessage[] {
    const matching = filter.to ? recent.filter((message) => message.to === filter.to) : recent;
    return matching.slice(-Math.max(0, Math.min(filter.limit ?? behaviour.recentMessagesLimit, behaviour.recentMessagesLimit)));
  }

  async function sendInbound(apiKey: string, from: string, text: string, inboundOptions: { profileName?: string } = {}): Promise<InboundResult> {
    const key = keys.get(apiKey);
    if (!key) throw new RequestError(404, `Unknown API key …${apiKey.slice(-4)}`);
    if (!key.webhook) throw new RequestError(409, `No webhook registered for key …${apiKey.slice(-4)}`);
    sequence += 1;
    const id = key.generation === 'cloud' ? messageId('cloud', runId, sequence, from) : `ABGG${Buffer.from(`${runId}${sequence.toString(36)}`).toString('base64url')}`;
    const body = inboundWebhookBody(
      key.generation,
      { messageId: id, from, profileName: inboundOptions.profileName ?? 'Sandbox User', text, timestamp: Math.floor(Date.now() / 1000) },
      key.account,
    );
    const delivered = await dispatcher.deliverNow(apiKey, body, 1);
    return { messageId: id, delivered };
  }

  return {
    url,
    port,
    stats,
    acceptedFor: (waId) => acceptedByWaId.get(waId) ?? 0,
    acceptedByWaId: () => acceptedByWaId,
    recentMessages,
    behaviour: () => behaviour,
    configure,
    addKey,
    removeKey: (apiKey) => void keys.delete(apiKey),
    setWebhook: (apiKey, target) => {
      const key = keys.get(apiKey);
      if (!key) throw new Error(`Unknown API key …${apiKey.slice(-4)}`);
      key.webhook = target;
    },
    webhookFor: (apiKey) => keys.get(apiKey)?.webhook ?? null,
    injectFailure,
    clearFailures: () => {
      failures = [];
    },
    sendInbound,
    webhooksIdle: (timeoutMs = 10_000) => dispatcher.idle(timeoutMs),
    reset,
    close: async () => {
      for (const response of hanging) response.destroy();
      hanging.clear();
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function mergeBehaviour(current: SandboxBehaviour, patch: BehaviourPatch): SandboxBehaviour {
  const { statusDelaysMs, webhook, ...rest } = patch;
  return {
    ...current,
    ...stripUndefined(rest),
    statusDelaysMs: { ...current.statusDelaysMs, ...stripUndefined(statusDelaysMs ?? {}) },
    webhook: { ...current.webhook, ...stripUndefined(webhook ?? {}) },
  };
}

const isCount = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min;

/** Rejects a patch the sandbox could not honour, naming the field (admin callers are scripts in other processes). */
function checkBehaviourPatch(patch: Record<string, unknown>): void {
  const fail = (message: string) => {
    throw new RequestError(400, message);
  };
  const known = new Set(Object.keys(DEFAULT_BEHAVIOUR));
  for (const field of Object.keys(patch)) if (!known.has(field)) fail(`Unknown sandbox setting ${field}; known: ${[...known].join(', ')}`);
  if (patch.messagesPerSecond !== undefined && patch.messagesPerSecond !== null && !isCount(patch.messagesPerSecond, 1)) fail('messagesPerSecond must be a positive integer or null');
  if (patch.rateWindow !== undefined && patch.rateWindow !== 'sliding' && patch.rateWindow !== 'fixed') fail('rateWindow must be sliding or fixed');
  if (patch.throttleStyle !== undefined && patch.throttleStyle !== null && !['code130429', 'proxy400', 'http429'].includes(patch.throttleStyle as string)) {
    fail('throttleStyle must be code130429, proxy400, http429 or null');
  }
  if (patch.statuses !== undefined && (!Array.isArray(patch.statuses) || patch.statuses.some((status) => !['sent', 'delivered', 'read'].includes(status as string)))) {
    fail('statuses must be a list of sent, delivered, read');
  }
  if (patch.statusDelaysMs !== undefined) {
    if (!isRecord(patch.statusDelaysMs)) fail('statusDelaysMs must be an object');
    for (const [status, delay] of Object.entries(patch.statusDelaysMs as Record<string, unknown>)) {
      if (!['sent', 'delivered', 'read', 'failed'].includes(status) || !isCount(delay, 0)) fail(`statusDelaysMs.${status} must be a status name with a delay in ms`);
    }
  }
  if (patch.failingNumbers !== undefined) {
    if (!isRecord(patch.failingNumbers)) fail('failingNumbers must be an object of wa_id → {code,title}');
    for (const [waId, failing] of Object.entries(patch.failingNumbers as Record<string, unknown>)) {
      if (!isRecord(failing) || !isCount(failing.code, 0) || typeof failing.title !== 'string') fail(`failingNumbers.${waId} must be {code,title[,details][,when]}`);
      const when = (failing as Record<string, unknown>).when;
      if (when !== undefined && when !== 'send' && when !== 'webhook') fail(`failingNumbers.${waId}.when must be send or webhook`);
    }
  }
  if (patch.duplicateStatusRate !== undefined && (typeof patch.duplicateStatusRate !== 'number' || patch.duplicateStatusRate < 0 || patch.duplicateStatusRate > 1)) {
    fail('duplicateStatusRate must be a number from 0 to 1');
  }
  if (patch.responseDelayMs !== undefined && !isCount(patch.responseDelayMs, 0)) fail('responseDelayMs must be a number of ms');
  if (patch.recentMessagesLimit !== undefined && !isCount(patch.recentMessagesLimit, 0)) fail('recentMessagesLimit must be a count');
  if (patch.webhook !== undefined) {
    if (!isRecord(patch.webhook)) fail('webhook must be an object');
    const known = Object.keys(DEFAULT_BEHAVIOUR.webhook);
    for (const [field, value] of Object.entries(patch.webhook as Record<string, unknown>)) {
      if (!known.includes(field)) fail(`Unknown webhook setting ${field}; known: ${known.join(', ')}`);
      if (!isCount(value, field === 'initialRetryDelayMs' || field === 'maxRetryDelayMs' ? 0 : 1)) fail(`webhook.${field} must be a positive integer`);
    }
  }
}
