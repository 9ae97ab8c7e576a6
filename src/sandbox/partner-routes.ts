/**
 * 360dialog's Partner API, the channel key endpoints only (docs/whatsapp-api.md § Partner API):
 * `POST|GET /api/v2/partners/{partner_id}/channels/{channel_id}/api_keys` and
 * `GET|DELETE …/api_keys/{key_id}`, authorised with `Authorization: Bearer <partner token>`. A key
 * created here works on the WABA API at once (a copy of the channel's settings: generation, number,
 * rate, webhook); a deleted key stops working (401), so a test can prove a rotation really switched.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { RouteContext } from './route-types.js';
import type { KeyState } from './state.js';
import type { PartnerApiKey, PartnerApiKeyList } from '../whatsapp/wire.js';

export const PARTNER_PATH_PREFIX = '/api/v2/partners/';
const KEYS_PATH = /^\/api\/v2\/partners\/([^/]+)\/channels\/([^/]+)\/api_keys(?:\/([^/]+))?\/?$/;

/** The Partner API's error shape (FastAPI-style `detail`). */
function fail(context: RouteContext, response: ServerResponse, httpStatus: number, detail: string): void {
  context.responder.reply(response, httpStatus, { detail });
}

/** A listing never shows a key in full: all but its last 4 characters are masked. */
function listed(key: KeyState): PartnerApiKey {
  return { id: key.partnerKeyId, api_key: `${'*'.repeat(Math.max(4, key.apiKey.length - 4))}${key.apiKey.slice(-4)}`, app_id: key.account.wabaId };
}

export function handlePartner(context: RouteContext, method: string, path: string, headers: IncomingHttpHeaders, response: ServerResponse): void {
  const { state, log } = context;
  if (headers.authorization !== `Bearer ${state.partner.token}`) return fail(context, response, 401, 'Invalid or missing partner token');
  const match = KEYS_PATH.exec(path);
  if (!match) return fail(context, response, 404, `Unknown Partner API endpoint ${method} ${path}`);
  const [, partnerId, channelId, keyId] = match.map((part) => (part === undefined ? part : decodeURIComponent(part)));
  if (partnerId !== state.partner.partnerId) return fail(context, response, 403, `Partner ${partnerId} is not this partner`);
  const keys = [...state.keys.values()].filter((key) => key.partnerChannelId === channelId);
  if (keys.length === 0) return fail(context, response, 404, `Channel ${channelId} not found for partner ${partnerId}`);

  if (keyId === undefined && method === 'POST') {
    const template = keys[0];
    const apiKey = `sbx${randomBytes(12).toString('hex')}`;
    state.addKey(apiKey, {
      generation: template.generation,
      messagesPerSecond: template.ownMessagesPerSecond,
      throttleStyle: template.throttleStyle,
      templateNamespace: template.templateNamespace,
      displayPhoneNumber: template.account.displayPhoneNumber,
      ...(template.phoneNumber !== null ? { phoneNumber: template.phoneNumber } : {}),
      marketingMessagesEligible: template.marketingMessagesEligible,
      partnerChannelId: channelId,
    });
    const created = state.keys.get(apiKey) as KeyState;
    created.partnerKeyId = `key-${randomBytes(5).toString('hex')}`;
    // One number, one webhook: the new key reports to where the channel's webhooks already go.
    created.webhook = template.webhook;
    log(`partner: key …${apiKey.slice(-4)} created for channel ${channelId}`);
    return context.responder.reply(response, 201, { id: created.partnerKeyId, api_key: apiKey, app_id: created.account.wabaId } satisfies PartnerApiKey);
  }
  if (keyId === undefined && method === 'GET') {
    return context.responder.reply(response, 200, { api_keys: keys.map(listed), count: keys.length } satisfies PartnerApiKeyList);
  }
  const key = keys.find((candidate) => candidate.partnerKeyId === keyId);
  if (keyId !== undefined && !key) return fail(context, response, 404, `API key ${keyId} not found for channel ${channelId}`);
  if (key && method === 'GET') return context.responder.reply(response, 200, listed(key));
  if (key && method === 'DELETE') {
    state.retireKey(key.apiKey);
    log(`partner: key …${key.apiKey.slice(-4)} of channel ${channelId} deleted`);
    return context.responder.reply(response, 200, {});
  }
  return fail(context, response, 405, `${method} is not allowed on ${path}`);
}
