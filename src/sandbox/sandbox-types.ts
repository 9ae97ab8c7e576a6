/** The sandbox's programmatic API (what `createSandbox` returns) and the shapes it takes and gives. */
import type { BehaviourPatch, SandboxBehaviour } from './behaviour.js';
import type { CatalogueFailure } from './failure-catalogue.js';
import type { Generation, InboundReply, ThrottleStyle } from './sandbox-payloads.js';
import type { SignalRequest, SignalResult } from './signal-payloads.js';
import type { WebhookStats, WebhookTarget } from './webhook-dispatcher.js';

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
  /** What GET /v1/configs/phone_number answers for this key (default: the sandbox's defaultPhoneNumber). */
  phoneNumber?: string;
  /** false: POST /marketing_messages answers 131055 (terms not accepted). Default true. */
  marketingMessagesEligible?: boolean;
  /** The 360dialog channel id at the Partner API: keys can be created, listed and deleted for it there. */
  partnerChannelId?: string;
}

/** Which send endpoint accepted a message: POST /messages (or /v1/messages) or POST /marketing_messages. */
export type SandboxSendEndpoint = 'messages' | 'marketing_messages';

export interface SandboxOptions extends BehaviourPatch {
  /** The Partner API's partner id and Bearer token (default sandbox-partner / sandbox-partner-token). */
  partner?: { partnerId: string; token: string };
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

export type SandboxEndpoint = 'messages' | 'webhook' | 'health' | 'templates' | 'phone_number' | 'any';

/**
 * Makes the next `count` matching requests fail:
 * - `server_error`: HTTP `httpStatus` (default 500) from 360dialog's layer;
 * - `hang`: never answers (the client times out);
 * - `reset`: closes the connection without an answer;
 * - `unauthorized`: 401 as for a wrong key;
 * - `throttle`: the key's throttling answer;
 * - `lost_response`: the message IS accepted (counted, statuses posted) but the connection is closed
 *   before the answer — the client's outcome is unknown;
 * - `pair_rate_limit` (131056), `template_paused` (132015), `payment` (131042 / On-Prem 402),
 *   `marketing_limit` (131049), `marketing_opt_out` (131050), `experiment` (130472): FAILURE_CATALOGUE;
 *   as an async failed status instead, configure `failingNumbers` with the catalogue's code and title, `when: 'webhook'`;
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
  /** Where it was sent: /messages (both generations) or the Marketing Messages API. */
  endpoint: SandboxSendEndpoint;
  /** message_send_ttl_seconds as sent (Marketing Messages API), else null. */
  ttlSeconds: number | null;
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

/** How an inbound message differs from a plain text sent now (Sandbox.sendInbound, POST /_sandbox/inbound). */
export interface InboundOptions {
  profileName?: string;
  /** A tap instead of a text: quick reply (payload may be null) or interactive button_reply / list_reply. */
  reply?: InboundReply;
  /** context.id: the message it answers (e.g. a campaign message's id). */
  contextId?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
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
  /** Changes what /phone_number answers for a key, its Marketing Messages eligibility or its Partner API channel. */
  updateKey(apiKey: string, patch: { phoneNumber?: string | null; marketingMessagesEligible?: boolean; partnerChannelId?: string | null }): void;
  /** Registers a webhook as POST /v1/configs/webhook would. */
  setWebhook(apiKey: string, target: WebhookTarget | null): void;
  webhookFor(apiKey: string): WebhookTarget | null;
  injectFailure(failure: InjectedFailure): void;
  clearFailures(): void;
  /** Posts an inbound message webhook from `from` (a wa_id) to the key's registered webhook: a text, or a button tap (options.reply), answering options.contextId. */
  sendInbound(apiKey: string, from: string, text: string, options?: InboundOptions): Promise<InboundResult>;
  /** Posts an account-level webhook (template status/category, quality, account, capability, user_preferences; field `messages` with `errors`: a value-level error) to the key's registered webhook. */
  sendSignal(apiKey: string, signal: SignalRequest): Promise<SignalResult>;
  /** Posts one more status of a recent accepted message to its key's webhook, recorded at `timestamp` (Unix seconds; default now). */
  sendStatus(messageId: string, status: 'sent' | 'delivered' | 'read', timestamp?: number): void;
  /** Resolves true once no webhook is waiting or in flight; false after timeoutMs (default 10 s). */
  webhooksIdle(timeoutMs?: number): Promise<boolean>;
  /** Clears counters, queued webhooks, injected failures and recent messages; keeps keys, webhooks and behaviour. */
  reset(): void;
  close(): Promise<void>;
}
