/** How the sandbox behaves (rates, statuses, failing numbers, delays, templates), its defaults and the checks on a change. */
import { RequestError } from './http.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import type { RateWindowMode } from './rate-window.js';
import { isRecord, type SandboxTemplate, type StatusName, type ThrottleStyle } from './sandbox-payloads.js';
import { checkTemplates } from './templates.js';
import type { WebhookDeliveryOptions } from './webhook-dispatcher.js';

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
  /** What GET /v1/configs/phone_number answers for a key that has no phoneNumber of its own. */
  defaultPhoneNumber: string;
  /** What GET /v1/configs/templates lists and template sends are checked against (default-templates.ts). */
  templates: SandboxTemplate[];
  /** Default true: a send must fit a configured template (templates.ts: 132001/132015/132016/132000); false accepts any. */
  enforceTemplates: boolean;
  /** How many accepted messages GET /_sandbox/messages can show. */
  recentMessagesLimit: number;
  webhook: WebhookDeliveryOptions;
}

export type BehaviourPatch = Partial<Omit<SandboxBehaviour, 'webhook' | 'statusDelaysMs'>> & {
  statusDelaysMs?: Partial<Record<StatusName, number>>;
  webhook?: Partial<WebhookDeliveryOptions>;
};

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
  // The number most set-ups (tests, demo, benchmarks) give their channels: their keys pass the engine's check.
  defaultPhoneNumber: '+4930123456',
  templates: DEFAULT_TEMPLATES,
  enforceTemplates: true,
  recentMessagesLimit: 1000,
  webhook: { batchSize: 50, concurrency: 8, timeoutMs: 5000, initialRetryDelayMs: 200, maxRetryDelayMs: 10_000, maxAttempts: 20 },
};

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

export function mergeBehaviour(current: SandboxBehaviour, patch: BehaviourPatch): SandboxBehaviour {
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
export function checkBehaviourPatch(patch: Record<string, unknown>): void {
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
  if (patch.defaultPhoneNumber !== undefined && (typeof patch.defaultPhoneNumber !== 'string' || !/^\+?\d{6,15}$/.test(patch.defaultPhoneNumber))) {
    fail('defaultPhoneNumber must be a phone number: digits, with or without a leading +');
  }
  if (patch.responseDelayMs !== undefined && !isCount(patch.responseDelayMs, 0)) fail('responseDelayMs must be a number of ms');
  if (patch.templates !== undefined) checkTemplates(patch.templates);
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
