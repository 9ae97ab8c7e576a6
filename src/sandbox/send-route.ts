import { performance } from 'node:perf_hooks';
import { answerFailure, answerThrottled } from './failure-answers.js';
import { failingNumberError, scheduleStatuses } from './notifications.js';
import type { ApiRequest, RouteContext } from './route-types.js';
import { errorBody, isRecord, messageId, proxyErrorBody, sendAnswer, validateSendBody, type WhatsAppError } from './sandbox-payloads.js';
import { checkTemplateSend } from './templates.js';
import type { CloudTemplateSendBody, TemplateSendBody } from '../whatsapp/wire.js';
import type { KeyState, SandboxState } from './state.js';
import type { AcceptedSend } from './sandbox-payloads.js';

/**
 * POST /messages (Cloud), /v1/messages (On-Premise) and /marketing_messages (Cloud: MARKETING templates
 * of eligible keys only, else 131055; message_send_ttl_seconds 12 h to 30 days), in this order: the generation's path, an
 * injected failure, the rate limit, the request's validity, the template (templates.ts), a number configured to fail at send; then
 * the message is accepted, its statuses scheduled, and answered with its id.
 */
export function handleSend(context: RouteContext, { path, key, body, response }: ApiRequest): void {
  const { state, responder } = context;
  const expected = key.generation === 'cloud' ? '/messages' : '/v1/messages';
  const endpoint = path === '/marketing_messages' && key.generation === 'cloud' ? 'marketing_messages' : 'messages';
  if (path !== expected && endpoint !== 'marketing_messages') {
    const message = `This API key belongs to a ${key.generation === 'cloud' ? 'Cloud API' : 'On-Premise'} number: send to POST ${expected}`;
    return responder.reply(response, 404, proxyErrorBody(404, message, state.traceId()));
  }
  const to = isRecord<TemplateSendBody>(body) && typeof body.to === 'string' ? body.to : undefined;
  const failure = state.takeFailure('messages', key.apiKey, to);
  if (failure && failure.kind !== 'lost_response') return answerFailure(context, failure, key, response);
  const now = performance.now();
  if (key.limiter && !key.limiter.tryAcquire(now)) return answerThrottled(context, key, response);
  const { behaviour } = state;
  const reject = (error: WhatsAppError) => {
    state.counters.rejected += 1;
    responder.reply(response, 400, errorBody(key.generation, error, state.traceId()));
  };
  const validation = validateSendBody(key.generation, body, { namespace: key.templateNamespace });
  if (!validation.ok) return reject(validation.error);
  const templateError = behaviour.enforceTemplates ? checkTemplateSend(behaviour.templates, validation.send) : null;
  if (templateError) return reject(templateError);
  const marketing = endpoint === 'marketing_messages' ? checkMarketingMessage(state, key, body, validation.send) : { ttlSeconds: null };
  if ('error' in marketing) return reject(marketing.error);
  const failing = behaviour.failingNumbers[validation.send.to];
  if (failing && (failing.when ?? 'send') === 'send') {
    state.counters.failedAtSend += 1;
    return responder.reply(response, 400, errorBody(key.generation, failingNumberError(failing), state.traceId()));
  }
  const id = messageId(key.generation, state.runId, state.nextSequence(), validation.send.to);
  const acceptedAt = state.recordAccepted(key, validation.send, id, now, { endpoint, ttlSeconds: marketing.ttlSeconds });
  scheduleStatuses(state, key, validation.send, id, acceptedAt);
  if (failure?.kind === 'lost_response') {
    response.socket?.destroy();
    return;
  }
  const answer = sendAnswer(key.generation, validation.send.to, id);
  responder.reply(response, answer.httpStatus, answer.body);
}

/** Meta's bounds for message_send_ttl_seconds on marketing templates. */
const TTL_MIN_SECONDS = 12 * 3600;
const TTL_MAX_SECONDS = 30 * 24 * 3600;
export const MARKETING_MESSAGES_INELIGIBLE = 131055;

/**
 * The Marketing Messages API's own checks: the key's portfolio accepted the terms, the template is
 * MARKETING (by the configured templates; one the sandbox does not know is refused too), and a TTL, if
 * given, lies within 12 h and 30 days.
 */
function checkMarketingMessage(state: SandboxState, key: KeyState, body: unknown, send: AcceptedSend): { ttlSeconds: number | null } | { error: WhatsAppError } {
  const ineligible = (details: string): { error: WhatsAppError } => ({ error: { code: MARKETING_MESSAGES_INELIGIBLE, title: 'Marketing Messages API: message not eligible', details } });
  if (!key.marketingMessagesEligible) {
    return ineligible('The WhatsApp Business Account has not accepted the Marketing Messages API terms of service');
  }
  const template = state.behaviour.templates.find((entry) => entry.name === send.templateName && entry.language === send.language);
  if (template?.category !== 'MARKETING') {
    return ineligible(`Template ${send.templateName} (${send.language}) is ${template ? template.category : 'unknown'}: only MARKETING templates can be sent with the Marketing Messages API`);
  }
  const ttl = isRecord<CloudTemplateSendBody>(body) ? body.message_send_ttl_seconds : undefined;
  if (ttl === undefined) return { ttlSeconds: null };
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < TTL_MIN_SECONDS || ttl > TTL_MAX_SECONDS) {
    return { error: { code: 100, title: 'Invalid parameter', details: `message_send_ttl_seconds must be from ${TTL_MIN_SECONDS} to ${TTL_MAX_SECONDS} for marketing templates` } };
  }
  return { ttlSeconds: ttl };
}
