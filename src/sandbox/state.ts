/**
 * What the sandbox remembers between requests: API keys with their accounts, rate windows and
 * counters; the behaviour; injected failures; accepted messages; the webhooks waiting to go out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type BehaviourPatch, checkBehaviourPatch, DEFAULT_BEHAVIOUR, mergeBehaviour, type SandboxBehaviour } from './behaviour.js';
import { FailureQueue, type PendingFailure } from './failures.js';
import { RequestError } from './http.js';
import { createRateLimiter, MaxInWindowTracker, type RateLimiter } from './rate-window.js';
import type { AcceptedSend, AccountInfo, Generation, ThrottleStyle } from './sandbox-payloads.js';
import type { AcceptedMessage, SandboxEndpoint, SandboxKeyOptions, SandboxSendEndpoint, SandboxStats } from './sandbox-types.js';
import { WebhookDispatcher, type WebhookTarget } from './webhook-dispatcher.js';

export interface KeyState {
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
  /** What GET /v1/configs/phone_number answers for this key; null: the sandbox-wide defaultPhoneNumber. */
  phoneNumber: string | null;
  /** false: POST /marketing_messages answers 131055 as for a portfolio that has not accepted the terms. */
  marketingMessagesEligible: boolean;
  /** The channel id at the Partner API this key belongs to (keys made through it get one). */
  partnerChannelId: string | null;
  /** The key's id at the Partner API. */
  partnerKeyId: string;
}

/** What can change on a key after it was added (PATCH /_sandbox/keys). */
export interface KeyPatch {
  phoneNumber?: string | null;
  marketingMessagesEligible?: boolean;
  partnerChannelId?: string | null;
}

function freshCounters() {
  return { accepted: 0, throttled: 0, rejected: 0, failedAtSend: 0, unauthorized: 0, injected: 0, duplicateStatuses: 0, firstAcceptedAt: null as number | null, lastAcceptedAt: null as number | null };
}

export class SandboxState {
  /** Makes message and trace ids unique across sandbox runs. */
  readonly runId = randomBytes(5).toString('hex');
  readonly keys = new Map<string, KeyState>();
  /** Keys deleted through the Partner API: refused on every endpoint, but the statuses of what they sent still go out (webhooks are per number). */
  readonly retiredKeys = new Map<string, KeyState>();
  readonly failures = new FailureQueue();
  readonly dispatcher: WebhookDispatcher;
  /** Replaced as a whole on each change, never edited in place. */
  behaviour: SandboxBehaviour;
  counters = freshCounters();
  acceptedByWaId = new Map<string, number>();
  /** The Partner API's partner id and token (partner-routes.ts). */
  partner = { partnerId: 'sandbox-partner', token: 'sandbox-partner-token' };
  private recent: AcceptedMessage[] = [];
  private totalTracker = new MaxInWindowTracker();
  private sequence = 0;
  private traceSequence = 0;

  constructor(initialBehaviour: BehaviourPatch) {
    checkBehaviourPatch(initialBehaviour);
    this.behaviour = mergeBehaviour(DEFAULT_BEHAVIOUR, initialBehaviour);
    this.dispatcher = new WebhookDispatcher(this.behaviour.webhook, (apiKey) => {
      const key = this.keys.get(apiKey) ?? this.retiredKeys.get(apiKey);
      return key ? { generation: key.generation, account: key.account, webhook: key.webhook } : undefined;
    });
  }

  traceId(): string {
    this.traceSequence += 1;
    return `${this.runId}${this.traceSequence.toString(36)}`;
  }

  /** One sequence for sent and inbound message ids. */
  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  addKey(apiKey: string, keyOptions: Generation | SandboxKeyOptions): void {
    if (!apiKey) throw new RequestError(400, 'apiKey is required');
    const settings: SandboxKeyOptions = typeof keyOptions === 'string' ? { generation: keyOptions } : keyOptions;
    if (settings.generation !== 'cloud' && settings.generation !== 'onpremise') throw new RequestError(400, 'generation must be cloud or onpremise');
    const digits = BigInt(`0x${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`).toString().slice(0, 15);
    const previous = this.keys.get(apiKey);
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
      phoneNumber: settings.phoneNumber ?? previous?.phoneNumber ?? null,
      marketingMessagesEligible: settings.marketingMessagesEligible ?? previous?.marketingMessagesEligible ?? true,
      partnerChannelId: settings.partnerChannelId ?? previous?.partnerChannelId ?? null,
      partnerKeyId: previous?.partnerKeyId ?? `key-${digits.slice(0, 10)}`,
    };
    key.limiter = this.limiterFor(key);
    this.keys.set(apiKey, key);
  }

  /** The key stops working (401 everywhere); statuses already scheduled for its messages are still posted. */
  retireKey(apiKey: string): void {
    const key = this.keys.get(apiKey);
    if (!key) return;
    this.keys.delete(apiKey);
    this.retiredKeys.set(apiKey, key);
  }

  updateKey(apiKey: string, patch: KeyPatch): KeyState {
    const key = this.keys.get(apiKey);
    if (!key) throw new RequestError(404, `Unknown API key …${apiKey.slice(-4)}`);
    if (patch.phoneNumber !== undefined) {
      if (patch.phoneNumber !== null && !/^\+?\d{6,15}$/.test(patch.phoneNumber)) throw new RequestError(400, 'phoneNumber must be digits, with or without a leading +, or null');
      key.phoneNumber = patch.phoneNumber;
    }
    if (patch.marketingMessagesEligible !== undefined) {
      if (typeof patch.marketingMessagesEligible !== 'boolean') throw new RequestError(400, 'marketingMessagesEligible must be true or false');
      key.marketingMessagesEligible = patch.marketingMessagesEligible;
    }
    if (patch.partnerChannelId !== undefined) key.partnerChannelId = patch.partnerChannelId;
    return key;
  }

  /** The number GET /v1/configs/phone_number answers for the key: its own, else the sandbox-wide default. */
  phoneNumberOf(key: KeyState): string {
    return key.phoneNumber ?? this.behaviour.defaultPhoneNumber;
  }

  configure(patch: BehaviourPatch): void {
    checkBehaviourPatch(patch);
    this.behaviour = mergeBehaviour(this.behaviour, patch);
    this.dispatcher.options = this.behaviour.webhook;
    if (patch.messagesPerSecond !== undefined || patch.rateWindow !== undefined) {
      for (const key of this.keys.values()) key.limiter = this.limiterFor(key);
    }
  }

  /** Clears counters, queued webhooks, injected failures and recent messages; keeps keys, webhooks and behaviour. */
  reset(): void {
    this.counters = freshCounters();
    this.acceptedByWaId = new Map();
    this.recent = [];
    this.totalTracker = new MaxInWindowTracker();
    this.failures.clear();
    for (const key of this.keys.values()) {
      key.accepted = 0;
      key.throttled = 0;
      key.tracker = new MaxInWindowTracker();
      key.limiter = this.limiterFor(key);
    }
    this.dispatcher.reset();
  }

  /** An injected failure for this request, if one matches (counted as injected). */
  takeFailure(endpoint: SandboxEndpoint, apiKey: string, to: string | undefined): PendingFailure | undefined {
    const failure = this.failures.take(endpoint, apiKey, to);
    if (failure) this.counters.injected += 1;
    return failure;
  }

  /**
   * Counts an accepted message and keeps it among the recent ones. `now` is the instant the rate
   * limiter admitted it, so the stats measure exactly what it bounds. Returns the wall-clock time of acceptance.
   */
  recordAccepted(key: KeyState, send: AcceptedSend, id: string, now: number, route: { endpoint: SandboxSendEndpoint; ttlSeconds: number | null } = { endpoint: 'messages', ttlSeconds: null }): number {
    const wallClock = Date.now();
    this.counters.accepted += 1;
    this.counters.firstAcceptedAt ??= wallClock;
    this.counters.lastAcceptedAt = wallClock;
    key.accepted += 1;
    key.tracker.record(now);
    this.totalTracker.record(now);
    this.acceptedByWaId.set(send.to, (this.acceptedByWaId.get(send.to) ?? 0) + 1);
    const limit = this.behaviour.recentMessagesLimit;
    if (limit > 0) {
      this.recent.push({
        id,
        apiKey: key.apiKey,
        generation: key.generation,
        to: send.to,
        template: send.templateName,
        language: send.language,
        namespace: send.namespace,
        callbackData: send.callbackData,
        components: send.components,
        endpoint: route.endpoint,
        ttlSeconds: route.ttlSeconds,
        acceptedAt: new Date(wallClock).toISOString(),
      });
      if (this.recent.length > limit * 2) this.recent = this.recent.slice(-limit);
    }
    return wallClock;
  }

  recentMessages(filter: { to?: string; limit?: number } = {}): AcceptedMessage[] {
    const matching = filter.to ? this.recent.filter((message) => message.to === filter.to) : this.recent;
    const limit = this.behaviour.recentMessagesLimit;
    return matching.slice(-Math.max(0, Math.min(filter.limit ?? limit, limit)));
  }

  stats(options: { perWaId?: boolean } = {}): SandboxStats {
    const { counters, acceptedByWaId } = this;
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
      maxAcceptedInOneSecond: this.totalTracker.max,
      firstAcceptedAt: counters.firstAcceptedAt === null ? null : new Date(counters.firstAcceptedAt).toISOString(),
      lastAcceptedAt: counters.lastAcceptedAt === null ? null : new Date(counters.lastAcceptedAt).toISOString(),
      keys: Object.fromEntries(
        [...this.keys.values()].map((key) => [
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
      webhooks: this.dispatcher.stats,
      ...(options.perWaId ? { acceptedByWaId: Object.fromEntries(acceptedByWaId) } : {}),
    };
  }

  /** A key as GET /_sandbox/keys shows it. */
  describeKey(key: KeyState) {
    return {
      apiKey: key.apiKey,
      generation: key.generation,
      messagesPerSecond: key.limiter?.limit ?? null,
      throttleStyle: this.throttleStyleOf(key),
      templateNamespace: key.templateNamespace,
      account: key.account,
      webhook: key.webhook,
      phoneNumber: this.phoneNumberOf(key),
      marketingMessagesEligible: key.marketingMessagesEligible,
      partnerChannelId: key.partnerChannelId,
      partnerKeyId: key.partnerKeyId,
    };
  }

  /** The key's throttling answer style: the sandbox-wide one when set, else the key's own. */
  throttleStyleOf(key: KeyState): ThrottleStyle {
    return this.behaviour.throttleStyle ?? key.throttleStyle;
  }

  private limiterFor(key: KeyState): RateLimiter | null {
    const limit = key.ownMessagesPerSecond === undefined ? this.behaviour.messagesPerSecond : key.ownMessagesPerSecond;
    return createRateLimiter(limit, this.behaviour.rateWindow);
  }
}
