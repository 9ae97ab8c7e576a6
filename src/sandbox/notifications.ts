/** The webhooks the sandbox decides to post: statuses after an accepted send, an inbound message on request. */
import { RequestError } from './http.js';
import { type AcceptedSend, inboundWebhookBody, messageId, type StatusEvent, type WhatsAppError } from './sandbox-payloads.js';
import type { InboundOptions, InboundResult } from './sandbox-types.js';
import type { KeyState, SandboxState } from './state.js';

/** A failing number's error, as a send answer or a failed status carries it. */
export function failingNumberError(failing: { code: number; title: string; details?: string }): WhatsAppError {
  return { code: failing.code, title: failing.title, ...(failing.details ? { details: failing.details } : {}) };
}

/**
 * Schedules the statuses of a message accepted at `acceptedAt` (wall clock): the configured ones with
 * their delays (some twice, at duplicateStatusRate), or one `failed` for a number configured to fail.
 */
export function scheduleStatuses(state: SandboxState, key: KeyState, send: AcceptedSend, id: string, acceptedAt: number): void {
  const { behaviour, dispatcher } = state;
  const template = behaviour.templates.find((entry) => entry.name === send.templateName && entry.language === send.language);
  const base = {
    messageId: id,
    recipientId: send.to,
    timestamp: Math.floor(acceptedAt / 1000),
    callbackData: send.callbackData,
    pricingCategory: (template?.category ?? 'MARKETING').toLowerCase(),
  };
  const failing = behaviour.failingNumbers[send.to];
  if (failing) {
    dispatcher.scheduleStatus(key.apiKey, { ...base, status: 'failed', error: failingNumberError(failing) }, behaviour.statusDelaysMs.failed);
    return;
  }
  for (const status of behaviour.statuses) {
    const event: StatusEvent = { ...base, status };
    dispatcher.scheduleStatus(key.apiKey, event, behaviour.statusDelaysMs[status]);
    if (behaviour.duplicateStatusRate > 0 && Math.random() < behaviour.duplicateStatusRate) {
      state.counters.duplicateStatuses += 1;
      dispatcher.scheduleStatus(key.apiKey, event, behaviour.statusDelaysMs[status] + behaviour.statusDelaysMs.read + 1);
    }
  }
}

/**
 * Posts an inbound message from `from` (a wa_id) to the key's registered webhook at once: a text, or a
 * button tap (`reply`), answering `contextId` when given, at `timestamp` (Unix seconds; default now).
 */
export async function sendInbound(state: SandboxState, apiKey: string, from: string, text: string, options: InboundOptions = {}): Promise<InboundResult> {
  const key = state.keys.get(apiKey);
  if (!key) throw new RequestError(404, `Unknown API key …${apiKey.slice(-4)}`);
  if (!key.webhook) throw new RequestError(409, `No webhook registered for key …${apiKey.slice(-4)}`);
  const sequence = state.nextSequence();
  const id = key.generation === 'cloud' ? messageId('cloud', state.runId, sequence, from) : `ABGG${Buffer.from(`${state.runId}${sequence.toString(36)}`).toString('base64url')}`;
  const body = inboundWebhookBody(
    key.generation,
    {
      messageId: id,
      from,
      profileName: options.profileName ?? 'Sandbox User',
      text,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      reply: options.reply,
      contextId: options.contextId,
    },
    key.account,
  );
  const delivered = await state.dispatcher.deliverNow(apiKey, body, 1);
  return { messageId: id, delivered };
}

/**
 * Posts one more status of an accepted message (one of the recent ones) at once, recorded at
 * `timestamp` (Unix seconds; default now): a read that comes long after the message, as WhatsApp's do.
 */
export function sendStatus(state: SandboxState, messageId: string, status: 'sent' | 'delivered' | 'read', timestamp = Math.floor(Date.now() / 1000)): void {
  const message = state.recentMessages().find((recent) => recent.id === messageId);
  if (!message) throw new RequestError(404, `No recent accepted message ${messageId}`);
  const template = state.behaviour.templates.find((entry) => entry.name === message.template && entry.language === message.language);
  const event: StatusEvent = {
    messageId,
    recipientId: message.to,
    status,
    timestamp,
    callbackData: message.callbackData,
    pricingCategory: (template?.category ?? 'MARKETING').toLowerCase(),
  };
  state.dispatcher.scheduleStatus(message.apiKey, event, 0);
}
