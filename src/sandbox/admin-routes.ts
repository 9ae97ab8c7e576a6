/** /_sandbox/*: the sandbox driven over HTTP by scripts in other processes (the same operations as the programmatic API). */
import type { BehaviourPatch } from './behaviour.js';
import { RequestError } from './http.js';
import { inboundFromBody } from './inbound-request.js';
import { sendInbound } from './notifications.js';
import type { AdminHandler, RouteContext } from './route-types.js';
import { isRecord } from './sandbox-payloads.js';
import { sendSignal, signalFromBody } from './signals.js';
import type { InjectedFailure, SandboxKeyOptions } from './sandbox-types.js';
import type { KeyPatch, KeyState } from './state.js';
import { templateAdminRoutes } from './templates-admin.js';

/** `METHOD path` → handler. */
export function adminRoutes({ state, responder, log }: RouteContext): Map<string, AdminHandler> {
  const reply = responder.reply.bind(responder);
  return new Map<string, AdminHandler>([
    ...templateAdminRoutes({ state, responder, log }),
    ['GET /_sandbox/stats', ({ query, response }) => reply(response, 200, state.stats({ perWaId: query.get('perWaId') === '1' || query.get('perWaId') === 'true' }))],
    [
      'POST /_sandbox/reset',
      ({ response }) => {
        state.reset();
        log('reset');
        reply(response, 200, { reset: true });
      },
    ],
    ['GET /_sandbox/config', ({ response }) => reply(response, 200, state.behaviour)],
    [
      'POST /_sandbox/config',
      ({ body, response }) => {
        if (!isRecord(body)) throw new RequestError(400, 'body must be a JSON object');
        state.configure(body as BehaviourPatch);
        log(`config ${JSON.stringify(body)}`);
        reply(response, 200, state.behaviour);
      },
    ],
    ['GET /_sandbox/keys', ({ response }) => reply(response, 200, { keys: [...state.keys.values()].map((key) => state.describeKey(key)) })],
    [
      'POST /_sandbox/keys',
      ({ body, response }) => {
        if (!isRecord(body) || typeof body.apiKey !== 'string') throw new RequestError(400, 'body must be {"apiKey","generation",…}');
        const { apiKey, ...keyOptions } = body;
        state.addKey(apiKey, keyOptions as unknown as SandboxKeyOptions);
        log(`key …${apiKey.slice(-4)} registered (${String(keyOptions.generation)})`);
        reply(response, 201, state.describeKey(state.keys.get(apiKey) as KeyState));
      },
    ],
    [
      'PATCH /_sandbox/keys',
      ({ body, response }) => {
        if (!isRecord(body) || typeof body.apiKey !== 'string') throw new RequestError(400, 'body must be {"apiKey"[,"phoneNumber"][,"marketingMessagesEligible"][,"partnerChannelId"]}');
        const { apiKey, ...patch } = body;
        const key = state.updateKey(apiKey, patch as KeyPatch);
        log(`key …${apiKey.slice(-4)} updated ${JSON.stringify(patch)}`);
        reply(response, 200, state.describeKey(key));
      },
    ],
    [
      'POST /_sandbox/failures',
      ({ body, response }) => {
        if (!isRecord(body) || typeof body.kind !== 'string') throw new RequestError(400, 'body must be {"kind",…}');
        state.failures.add(body as unknown as InjectedFailure);
        reply(response, 201, { pending: state.failures.list() });
      },
    ],
    [
      'DELETE /_sandbox/failures',
      ({ response }) => {
        state.failures.clear();
        reply(response, 200, { pending: [] });
      },
    ],
    [
      'POST /_sandbox/inbound',
      async ({ body, response }) => {
        const inbound = inboundFromBody(body);
        reply(response, 200, await sendInbound(state, inbound.apiKey, inbound.from, inbound.text, inbound.options));
      },
    ],
    [
      'POST /_sandbox/signals',
      async ({ body, response }) => {
        const { apiKey, signal } = signalFromBody(body);
        reply(response, 200, await sendSignal(state, apiKey, signal));
      },
    ],
    [
      'GET /_sandbox/messages',
      ({ query, response }) => {
        const limit = Number(query.get('limit') ?? 100);
        reply(response, 200, { items: state.recentMessages({ to: query.get('to') ?? undefined, limit: Number.isFinite(limit) ? limit : 100 }) });
      },
    ],
    ['GET /_sandbox/webhooks', ({ response }) => reply(response, 200, { webhooks: Object.fromEntries([...state.keys.values()].map((key) => [key.apiKey, key.webhook])) })],
    [
      'GET /_sandbox/idle',
      async ({ query, response }) => {
        const timeoutMs = Number(query.get('timeoutMs') ?? 10_000);
        reply(response, 200, { idle: await state.dispatcher.idle(Number.isFinite(timeoutMs) ? timeoutMs : 10_000), webhooks: state.dispatcher.stats });
      },
    ],
  ]);
}
