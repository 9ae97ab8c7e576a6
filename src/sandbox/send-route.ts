import { performance } from 'node:perf_hooks';
import { answerFailure, answerThrottled } from './failure-answers.js';
import { failingNumberError, scheduleStatuses } from './notifications.js';
import type { ApiRequest, RouteContext } from './route-types.js';
import { errorBody, isRecord, messageId, proxyErrorBody, sendAnswer, validateSendBody, type WhatsAppError } from './sandbox-payloads.js';
import { checkTemplateSend } from './templates.js';
import type { TemplateSendBody } from '../whatsapp/wire.js';

/**
 * POST /messages (Cloud) and /v1/messages (On-Premise), in this order: the generation's path, an
 * injected failure, the rate limit, the request's validity, the template (templates.ts), a number configured to fail at send; then
 * the message is accepted, its statuses scheduled, and answered with its id.
 */
export function handleSend(context: RouteContext, { path, key, body, response }: ApiRequest): void {
  const { state, responder } = context;
  const expected = key.generation === 'cloud' ? '/messages' : '/v1/messages';
  if (path !== expected) {
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
  const failing = behaviour.failingNumbers[validation.send.to];
  if (failing && (failing.when ?? 'send') === 'send') {
    state.counters.failedAtSend += 1;
    return responder.reply(response, 400, errorBody(key.generation, failingNumberError(failing), state.traceId()));
  }
  const id = messageId(key.generation, state.runId, state.nextSequence(), validation.send.to);
  const acceptedAt = state.recordAccepted(key, validation.send, id, now);
  scheduleStatuses(state, key, validation.send, id, acceptedAt);
  if (failure?.kind === 'lost_response') {
    response.socket?.destroy();
    return;
  }
  const answer = sendAnswer(key.generation, validation.send.to, id);
  responder.reply(response, answer.httpStatus, answer.body);
}
