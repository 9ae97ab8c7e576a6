/**
 * POST /_sandbox/inbound's body (pure): a contact's message to the business number, delivered as a real
 * webhook. `{"apiKey","from","text"}` is a text; add `"button":{"payload","text"}` for a template's
 * quick-reply tap (payload may be null), `"interactive":{"type":"button_reply"|"list_reply","id","title"}`
 * for an interactive reply; `"context"` names the message it answers; `"timestamp"` (Unix seconds) and
 * `"name"` (profile name) are optional.
 */
import { RequestError } from './http.js';
import type { InboundReply } from './sandbox-payloads.js';
import type { InboundOptions } from './sandbox-types.js';
import { isRecord } from './sandbox-payloads.js';

const USAGE =
  'body must be {"apiKey","from","text"} for a text, with "button":{"payload","text"} (payload may be null) for a quick reply ' +
  'or "interactive":{"type":"button_reply"|"list_reply","id","title"} for an interactive reply, and optionally "context" (the message id it answers), "timestamp" (Unix seconds), "name"';

export interface InboundRequest {
  apiKey: string;
  from: string;
  text: string;
  options: InboundOptions;
}

export function inboundFromBody(body: unknown): InboundRequest {
  if (!isRecord(body) || typeof body.apiKey !== 'string' || typeof body.from !== 'string') throw new RequestError(400, USAGE);
  const reply = replyFrom(body.button, body.interactive);
  const text = typeof body.text === 'string' ? body.text : reply ? replyText(reply) : null;
  if (text === null) throw new RequestError(400, `text is required for a text message: ${USAGE}`);
  const options: InboundOptions = {};
  if (typeof body.name === 'string') options.profileName = body.name;
  if (reply) options.reply = reply;
  if (body.context !== undefined) {
    if (typeof body.context !== 'string' || body.context.length === 0) throw new RequestError(400, 'context must be the id of the message this one answers');
    options.contextId = body.context;
  }
  if (body.timestamp !== undefined) {
    if (typeof body.timestamp !== 'number' || !Number.isInteger(body.timestamp) || body.timestamp <= 0) throw new RequestError(400, 'timestamp must be Unix seconds');
    options.timestamp = body.timestamp;
  }
  return { apiKey: body.apiKey, from: body.from, text, options };
}

function replyFrom(button: unknown, interactive: unknown): InboundReply | null {
  if (button !== undefined && interactive !== undefined) throw new RequestError(400, 'give button or interactive, not both');
  if (button !== undefined) {
    if (!isRecord(button) || typeof button.text !== 'string' || !(button.payload === null || typeof button.payload === 'string')) {
      throw new RequestError(400, 'button must be {"payload": string or null, "text": string}');
    }
    return { kind: 'quick_reply', payload: button.payload, text: button.text };
  }
  if (interactive === undefined) return null;
  if (!isRecord(interactive) || (interactive.type !== 'button_reply' && interactive.type !== 'list_reply') || typeof interactive.id !== 'string' || typeof interactive.title !== 'string') {
    throw new RequestError(400, 'interactive must be {"type": "button_reply" or "list_reply", "id": string, "title": string}');
  }
  return { kind: interactive.type, id: interactive.id, title: interactive.title, ...(typeof interactive.description === 'string' ? { description: interactive.description } : {}) };
}

function replyText(reply: InboundReply): string {
  return (reply.kind === 'quick_reply' ? reply.text : reply.title) ?? '';
}
