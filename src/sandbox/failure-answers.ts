import type { ServerResponse } from 'node:http';
import { FAILURE_CATALOGUE } from './failure-catalogue.js';
import type { PendingFailure } from './failures.js';
import type { RouteContext } from './route-types.js';
import { errorBody, proxyErrorBody, throttleAnswer } from './sandbox-payloads.js';
import type { KeyState } from './state.js';

/** Answers a request as an injected failure says (InjectedFailure lists the kinds). */
export function answerFailure({ state, responder }: RouteContext, failure: PendingFailure, key: KeyState, response: ServerResponse): void {
  switch (failure.kind) {
    case 'hang':
      responder.hang(response);
      return;
    case 'reset':
      response.socket?.destroy();
      return;
    case 'unauthorized':
      state.counters.unauthorized += 1;
      responder.reply(response, 401, proxyErrorBody(401, 'Invalid api key', state.traceId()));
      return;
    case 'server_error': {
      const httpStatus = failure.httpStatus ?? 500;
      responder.reply(response, httpStatus, proxyErrorBody(httpStatus, failure.title ?? 'Internal server error', state.traceId()));
      return;
    }
    case 'throttle':
      answerThrottled({ state, responder }, key, response);
      return;
    case 'error':
      responder.reply(
        response,
        failure.httpStatus ?? 400,
        errorBody(key.generation, { code: failure.code ?? 131000, title: failure.title ?? 'Something went wrong', ...(failure.details ? { details: failure.details } : {}) }, state.traceId()),
      );
      return;
    case 'lost_response': // on sends, the send route accepts the message first; elsewhere it is a plain reset
      response.socket?.destroy();
      return;
    default: {
      const error = FAILURE_CATALOGUE[failure.kind][key.generation];
      responder.reply(response, 400, errorBody(key.generation, error, state.traceId()));
    }
  }
}

/** The key's throttling answer, counted. */
export function answerThrottled({ state, responder }: Pick<RouteContext, 'state' | 'responder'>, key: KeyState, response: ServerResponse): void {
  state.counters.throttled += 1;
  key.throttled += 1;
  const answer = throttleAnswer(key.generation, state.throttleStyleOf(key), state.traceId());
  responder.reply(response, answer.httpStatus, answer.body);
}
