/** 360dialog's endpoints, both generations: the table of handlers and the answers given before any handler. */
import type { ServerResponse } from 'node:http';
import { answerFailure } from './failure-answers.js';
import type { ApiHandler, ApiRequest, RouteContext } from './route-types.js';
import { errorBody, healthBody, isRecord, proxyErrorBody } from './sandbox-payloads.js';
import { handleSend } from './send-route.js';
import type { KeyState } from './state.js';
import { templatePage } from './templates.js';
import type { PhoneNumberAnswer, WebhookConfigAnswer, WebhookConfigRequest } from '../whatsapp/wire.js';

const DEFAULT_NAMESPACE = 'c8ae5f90_307a_ca4c_b8f6_d1e2a2573574';

/**
 * `METHOD path` → handler. The send paths (and the Marketing Messages API's) go to one handler, which
 * holds each key to its generation's path. GET /v1/configs/phone_number answers the key's number.
 */
export function apiRoutes(context: RouteContext): Map<string, ApiHandler> {
  const send: ApiHandler = (request) => handleSend(context, request);
  return new Map<string, ApiHandler>([
    ['POST /messages', send],
    ['POST /v1/messages', send],
    ['POST /marketing_messages', send],
    ['POST /v1/configs/webhook', (request) => registerWebhook(context, request)],
    ['GET /v1/configs/webhook', ({ key, response }) => context.responder.reply(response, 200, { url: key.webhook?.url ?? null } satisfies WebhookConfigAnswer)],
    ['GET /v1/health', (request) => health(context, request)],
    ['GET /v1/configs/templates', (request) => templates(context, request)],
    ['GET /v1/configs/phone_number', (request) => phoneNumber(context, request)],
  ]);
}

/** No key, or one the sandbox does not know: 360dialog's proxy answers 401. */
export function answerUnauthorized({ state, responder }: RouteContext, response: ServerResponse): void {
  state.counters.unauthorized += 1;
  responder.reply(response, 401, proxyErrorBody(401, 'Invalid api key', state.traceId()));
}

export function answerInvalidJson({ state, responder }: RouteContext, key: KeyState, response: ServerResponse): void {
  state.counters.rejected += 1;
  responder.reply(response, 400, errorBody(key.generation, { code: 100, title: 'Invalid parameter', details: 'The request body is not valid JSON' }, state.traceId()));
}

export function answerUnknownEndpoint({ state, responder }: RouteContext, method: string, path: string, response: ServerResponse): void {
  responder.reply(response, 404, proxyErrorBody(404, `Unknown endpoint ${method} ${path}`, state.traceId()));
}

/** POST /v1/configs/webhook `{url, headers}`: later statuses and inbound messages go there, with these headers. */
function registerWebhook(context: RouteContext, { key, body, response }: ApiRequest): void {
  const { state, responder, log } = context;
  const failure = state.takeFailure('webhook', key.apiKey, undefined);
  if (failure) return answerFailure(context, failure, key, response);
  const reject = (message: string) => responder.reply(response, 400, proxyErrorBody(400, message, state.traceId()));
  if (!isRecord<WebhookConfigRequest>(body) || typeof body.url !== 'string') return reject("Invalid webhook config: 'url' is required");
  let parsed: URL;
  try {
    parsed = new URL(body.url);
  } catch {
    return reject(`Invalid webhook url: ${body.url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return reject('Webhook url must be http or https');
  const headers: Record<string, string> = {};
  if (body.headers !== undefined) {
    if (!isRecord(body.headers)) return reject("Invalid webhook config: 'headers' must be an object");
    for (const [name, value] of Object.entries(body.headers)) {
      if (typeof value !== 'string') return reject(`Invalid webhook header ${name}: values must be strings`);
      headers[name] = value;
    }
  }
  key.webhook = { url: body.url, headers };
  log(`webhook for key …${key.apiKey.slice(-4)} (${key.generation}) → ${body.url}`);
  responder.reply(response, 200, { url: body.url } satisfies WebhookConfigAnswer);
}

/** GET /v1/health: On-Premise only; the Cloud API has none (docs/whatsapp-api.md), so a Cloud key gets the proxy's 404. */
function health(context: RouteContext, { method, path, key, response }: ApiRequest): void {
  if (key.generation !== 'onpremise') return answerUnknownEndpoint(context, method, path, response);
  const failure = context.state.takeFailure('health', key.apiKey, undefined);
  if (failure) return answerFailure(context, failure, key, response);
  context.responder.reply(response, 200, healthBody(context.state.behaviour.gatewayStatus));
}

/** GET /v1/configs/templates: a page (limit, offset) of the configured templates, in the key's namespace. */
function templates(context: RouteContext, { key, query, response }: ApiRequest): void {
  const failure = context.state.takeFailure('templates', key.apiKey, undefined);
  if (failure) return answerFailure(context, failure, key, response);
  context.responder.reply(response, 200, templatePage(context.state.behaviour.templates, key.generation, key.templateNamespace ?? DEFAULT_NAMESPACE, query));
}

/** GET /v1/configs/phone_number: the number the key belongs to (its own, else the sandbox's defaultPhoneNumber). */
function phoneNumber(context: RouteContext, { key, response }: ApiRequest): void {
  const failure = context.state.takeFailure('phone_number', key.apiKey, undefined);
  if (failure) return answerFailure(context, failure, key, response);
  context.responder.reply(response, 200, { phone_number: context.state.phoneNumberOf(key) } satisfies PhoneNumberAnswer);
}
