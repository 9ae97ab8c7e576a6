/**
 * A fake 360dialog on a real port, both API generations: POST /messages (Cloud) and /v1/messages
 * (On-Premise), POST /marketing_messages (Cloud), /v1/configs/webhook, /v1/configs/templates,
 * /v1/configs/phone_number, /v1/health (On-Premise only), the Partner API's channel key endpoints
 * under /api/v2/partners/… (partner-routes.ts), and /_sandbox/* for scripts in
 * other processes (stats, reset, config, keys, failures, inbound, signals, messages, webhooks, idle).
 *
 * This file wires the parts: state.ts (what it remembers), server.ts (HTTP and the routing table),
 * api-routes.ts, send-route.ts and admin-routes.ts (the handlers), notifications.ts and
 * webhook-dispatcher.ts (the webhooks it posts), sandbox-payloads.ts (every body, in whatsapp/wire.ts's shapes),
 * templates.ts and default-templates.ts (the template registry sends are checked against).
 */
import { Responder } from './http.js';
import { sendInbound, sendStatus } from './notifications.js';
import { sendSignal } from './signals.js';
import type { Sandbox, SandboxOptions } from './sandbox-types.js';
import { startServer } from './server.js';
import { SandboxState } from './state.js';

export { DEFAULT_BEHAVIOUR } from './behaviour.js';
export { DEFAULT_TEMPLATES } from './default-templates.js';
export type { BehaviourPatch, FailingNumber, SandboxBehaviour } from './behaviour.js';
export type { SignalField, SignalRequest, SignalResult, SignalValues } from './signal-payloads.js';
export type { Generation, StatusName, ThrottleStyle, SandboxTemplate, WhatsAppError, InboundReply } from './sandbox-payloads.js';
export type {
  AcceptedMessage,
  FailureKind,
  InboundOptions,
  InboundResult,
  InjectedFailure,
  KeyStats,
  Sandbox,
  SandboxEndpoint,
  SandboxKeyOptions,
  SandboxOptions,
  SandboxSendEndpoint,
  SandboxStats,
} from './sandbox-types.js';

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { port: requestedPort, host: requestedHost, keys: initialKeys, log: logOption, partner, ...initialBehaviour } = options;
  const log = logOption ?? (() => undefined);
  const state = new SandboxState(initialBehaviour);
  if (partner) state.partner = { ...partner };
  for (const [apiKey, keyOptions] of Object.entries(initialKeys ?? {})) state.addKey(apiKey, keyOptions);
  const responder = new Responder(() => state.behaviour.responseDelayMs);
  const server = await startServer({ state, responder, log }, { port: requestedPort, host: requestedHost });

  return {
    url: server.url,
    port: server.port,
    stats: (statsOptions) => state.stats(statsOptions),
    acceptedFor: (waId) => state.acceptedByWaId.get(waId) ?? 0,
    acceptedByWaId: () => state.acceptedByWaId,
    recentMessages: (filter) => state.recentMessages(filter),
    behaviour: () => state.behaviour,
    configure: (patch) => state.configure(patch),
    addKey: (apiKey, keyOptions) => state.addKey(apiKey, keyOptions),
    removeKey: (apiKey) => void state.keys.delete(apiKey),
    updateKey: (apiKey, patch) => void state.updateKey(apiKey, patch),
    setWebhook: (apiKey, target) => {
      const key = state.keys.get(apiKey);
      if (!key) throw new Error(`Unknown API key …${apiKey.slice(-4)}`);
      key.webhook = target;
    },
    webhookFor: (apiKey) => state.keys.get(apiKey)?.webhook ?? null,
    injectFailure: (failure) => state.failures.add(failure),
    clearFailures: () => state.failures.clear(),
    sendInbound: (apiKey, from, text, inboundOptions) => sendInbound(state, apiKey, from, text, inboundOptions),
    sendSignal: (apiKey, signal) => sendSignal(state, apiKey, signal),
    sendStatus: (messageId, status, timestamp) => sendStatus(state, messageId, status, timestamp),
    webhooksIdle: (timeoutMs = 10_000) => state.dispatcher.idle(timeoutMs),
    reset: () => state.reset(),
    close: () => server.close(),
  };
}
