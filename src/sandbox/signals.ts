/** Posts an account-level webhook (signal-payloads.ts) to a key's registered webhook, with its headers, like a status webhook. */
import { RequestError } from './http.js';
import { isRecord } from './sandbox-payloads.js';
import { type SignalRequest, type SignalResult, signalWebhookBody } from './signal-payloads.js';
import type { SandboxState } from './state.js';

export async function sendSignal(state: SandboxState, apiKey: string, signal: SignalRequest): Promise<SignalResult> {
  const key = state.keys.get(apiKey);
  if (!key) throw new RequestError(404, `Unknown API key …${apiKey.slice(-4)}`);
  if (!key.webhook) throw new RequestError(409, `No webhook registered for key …${apiKey.slice(-4)}`);
  if (typeof signal.field !== 'string' || signal.field.length === 0 || !isRecord(signal.value)) {
    throw new RequestError(400, 'body must be {"apiKey","field","value"[,"time"]}: field a webhook field name, value an object');
  }
  const delivered = await state.dispatcher.deliverNow(apiKey, signalWebhookBody(key.generation, key.account, signal), 0);
  return { field: signal.field, delivered };
}

/** POST /_sandbox/signals `{apiKey, field, value[, time]}`. */
export function signalFromBody(body: unknown): { apiKey: string; signal: SignalRequest } {
  if (!isRecord(body) || typeof body.apiKey !== 'string' || typeof body.field !== 'string' || !isRecord(body.value)) {
    throw new RequestError(400, 'body must be {"apiKey","field","value"[,"time"]}: field a webhook field name, value an object');
  }
  const time = typeof body.time === 'number' ? body.time : undefined;
  return { apiKey: body.apiKey, signal: { field: body.field, value: body.value, time } };
}
