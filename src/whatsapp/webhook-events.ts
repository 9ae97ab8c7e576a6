/**
 * Maps both 360dialog webhook generations onto one internal event union (pure, no I/O):
 * - Cloud API: `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{…}}]}]}`
 *   where each `value` carries `statuses`, `messages`, `contacts`;
 * - On-Premise: the same arrays at the top level: `{"statuses":[…]}`, `{"contacts":[…],"messages":[…]}`.
 * The shapes are wire.ts's WebhookBody, StatusItem and InboundMessageItem; every object is read as
 * `Unchecked` of its shape, so only their fields can be read and each value is checked here.
 * Liberal in what it accepts: both shapes in one body, several entries/changes/statuses, numbers given
 * as strings, timestamps in seconds (or milliseconds), missing fields. What cannot be read is listed in
 * `ignored`, never thrown.
 */
import type {
  CloudWebhookBody,
  InboundMessageItem,
  StatusItem,
  Unchecked,
  WebhookBody,
  WebhookError,
  WebhookValue,
} from './wire.js';
import { errorMessage } from '../common/errors.js';
import { type AccountEvent, mapAccountChange } from './account-events.js';
import { cleanString, isJsonObject, type JsonObject, webhookTime } from './json-read.js';


export interface StatusError {
  code: number | null;
  title: string | null;
}

export interface StatusEvent {
  kind: 'status';
  messageId: string;
  /** Lower-cased: sent, delivered, read, failed; On-Premise also deleted, warning. */
  status: string;
  timestamp: Date;
  recipientWaId: string | null;
  /** `biz_opaque_callback_data` as sent (Cloud). */
  callbackData?: string;
  errors?: StatusError[];
  /** Per-message pricing as the status carried it (it rides on sent and again on delivered/read: bill once). */
  pricing?: StatusPricing;
  /** Business-scoped user id of the recipient (`recipient_user_id`, else `user_id`). */
  recipientUserId?: string;
}

export interface StatusPricing {
  /** marketing, utility, authentication, service, … (lower case) */
  category: string | null;
  /** PMP (per message, since July 2025) or CBP (per conversation, before). */
  model: string | null;
  /** regular, free_customer_service, free_entry_point */
  type: string | null;
  /** Deprecated by Meta but still sent; null when absent. */
  billable: boolean | null;
}

export interface InboundMessageEvent {
  kind: 'message';
  fromWaId: string;
  messageId: string;
  timestamp: Date;
  /** WhatsApp message type: text, button, interactive, image, … */
  type: string;
  /** What the user wrote or tapped: text body, quick-reply button text, interactive reply title. */
  text?: string;
  /** Business-scoped user id of the sender. */
  fromUserId?: string;
  /** `context.id`: the message (a campaign message, say) this one answers. */
  contextId?: string;
  /** A tapped button: a template's quick reply (`type: button`) or an interactive button_reply / list_reply. */
  button?: InboundButton;
}

/** The button a person tapped: its payload (quick reply payload, interactive reply id; null when WhatsApp sent none) and text. */
export interface InboundButton {
  kind: 'quick_reply' | 'button_reply' | 'list_reply';
  payload: string | null;
  text: string | null;
}

export type WebhookEvent = StatusEvent | InboundMessageEvent;

export interface MappedPayload {
  generation: 'cloud' | 'onpremise' | 'none';
  events: WebhookEvent[];
  /** Fields other than `messages` (template, quality, account, capability, user preferences, unknown). */
  accountEvents: AccountEvent[];
  /** Errors at value level (`value.errors`, no message id) and On-Premise top-level `errors`: about the number, not a recipient. */
  valueErrors: StatusError[];
  /** Human-readable notes on parts that were skipped (other webhook fields, malformed items). */
  ignored: string[];
}

const MAX_ID_LENGTH = 1024;
const MAX_TEXT_LENGTH = 4096;
const MAX_TITLE_LENGTH = 512;
type Json = JsonObject;
type Inbound = Unchecked<InboundMessageItem>;
type CloudEntry = CloudWebhookBody['entry'][number];
type CloudChange = CloudEntry['changes'][number];

/** A JSON object, read as the wire shape T (default: any object) with its fields still unchecked. */
function isObject<T = Json>(value: unknown): value is Unchecked<T> {
  return isJsonObject(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function waId(value: unknown): string | null {
  const text = cleanString(value, 64)?.trim().replace(/^\+/, '');
  return text && /^[0-9]{3,20}$/.test(text) ? text : null;
}

/** Unix seconds (string or number); milliseconds tolerated; anything unreadable → the fallback. */
export function parseWebhookTimestamp(value: unknown, fallback: Date): Date {
  return webhookTime(value) ?? fallback;
}

function errorCode(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= -2147483648 && number <= 2147483647 ? number : null;
}

function mapErrors(value: unknown): StatusError[] | undefined {
  const errors = asArray(value)
    .filter(isObject<WebhookError>)
    .map((error) => ({
      code: errorCode(error.code),
      title: cleanString(error.title, MAX_TITLE_LENGTH) ?? cleanString(error.message, MAX_TITLE_LENGTH),
    }));
  return errors.length > 0 ? errors : undefined;
}

function mapStatus(raw: unknown, fallback: Date, ignored: string[]): StatusEvent | null {
  if (!isObject<StatusItem>(raw)) {
    ignored.push('a status that is not an object');
    return null;
  }
  const messageId = cleanString(raw.id, MAX_ID_LENGTH);
  const status = cleanString(raw.status, 64)?.trim().toLowerCase();
  if (!messageId || !status) {
    ignored.push('a status without id or status');
    return null;
  }
  const event: StatusEvent = {
    kind: 'status',
    messageId,
    status,
    timestamp: parseWebhookTimestamp(raw.timestamp, fallback),
    recipientWaId: waId(raw.recipient_id),
  };
  const callbackData = cleanString(raw.biz_opaque_callback_data, 512);
  if (callbackData) event.callbackData = callbackData;
  const errors = mapErrors(raw.errors);
  if (errors) event.errors = errors;
  const pricing = mapPricing(raw.pricing);
  if (pricing) event.pricing = pricing;
  const userId = cleanString(raw.recipient_user_id, 256) ?? cleanString(raw.user_id, 256);
  if (userId) event.recipientUserId = userId;
  return event;
}

function mapPricing(value: unknown): StatusPricing | undefined {
  if (!isObject<NonNullable<StatusItem['pricing']>>(value)) return undefined;
  const lower = (field: unknown) => cleanString(field, 64)?.trim().toLowerCase() ?? null;
  return {
    category: lower(value.category),
    model: cleanString(value.pricing_model, 64)?.trim().toUpperCase() ?? null,
    type: lower(value.type),
    billable: typeof value.billable === 'boolean' ? value.billable : null,
  };
}

function messageText(raw: Inbound): string | undefined {
  const text = isObject<NonNullable<InboundMessageItem['text']>>(raw.text) ? raw.text.body : undefined;
  const button = isObject<NonNullable<InboundMessageItem['button']>>(raw.button) ? (raw.button.text ?? raw.button.payload) : undefined;
  type Interactive = NonNullable<InboundMessageItem['interactive']>;
  const interactive = isObject<Interactive>(raw.interactive)
    ? isObject<NonNullable<Interactive['button_reply']>>(raw.interactive.button_reply)
      ? raw.interactive.button_reply.title
      : isObject<NonNullable<Interactive['list_reply']>>(raw.interactive.list_reply)
        ? raw.interactive.list_reply.title
        : undefined
    : undefined;
  return cleanString(text ?? button ?? interactive, MAX_TEXT_LENGTH) ?? undefined;
}

function messageButton(raw: Inbound): InboundButton | undefined {
  const read = (value: unknown) => cleanString(value, MAX_TITLE_LENGTH) ?? null;
  // Payloads and reply ids are the business's own keys: kept whole up to an id's length, never cut short.
  const key = (value: unknown) => cleanString(value, MAX_ID_LENGTH) ?? null;
  if (isObject<NonNullable<InboundMessageItem['button']>>(raw.button)) {
    const button = { kind: 'quick_reply' as const, payload: key(raw.button.payload), text: read(raw.button.text) };
    return button.payload !== null || button.text !== null ? button : undefined;
  }
  type Interactive = NonNullable<InboundMessageItem['interactive']>;
  if (!isObject<Interactive>(raw.interactive)) return undefined;
  for (const kind of ['button_reply', 'list_reply'] as const) {
    const reply = raw.interactive[kind];
    if (!isObject<NonNullable<Interactive[typeof kind]>>(reply)) continue;
    const button = { kind, payload: key(reply.id), text: read(reply.title) };
    if (button.payload !== null || button.text !== null) return button;
  }
  return undefined;
}

function mapMessage(raw: unknown, fallback: Date, ignored: string[]): InboundMessageEvent | null {
  if (!isObject<InboundMessageItem>(raw)) {
    ignored.push('a message that is not an object');
    return null;
  }
  const fromWaId = waId(raw.from);
  const messageId = cleanString(raw.id, MAX_ID_LENGTH);
  if (!fromWaId || !messageId) {
    ignored.push('a message without a valid from or id');
    return null;
  }
  const event: InboundMessageEvent = {
    kind: 'message',
    fromWaId,
    messageId,
    timestamp: parseWebhookTimestamp(raw.timestamp, fallback),
    type: cleanString(raw.type, 64) ?? 'unknown',
  };
  const text = messageText(raw);
  if (text !== undefined) event.text = text;
  const fromUserId = cleanString(raw.from_user_id, 256);
  if (fromUserId) event.fromUserId = fromUserId;
  const contextId = isObject<NonNullable<InboundMessageItem['context']>>(raw.context) ? cleanString(raw.context.id, MAX_ID_LENGTH) : null;
  if (contextId) event.contextId = contextId;
  const button = messageButton(raw);
  if (button) event.button = button;
  return event;
}

function mapValue(value: Unchecked<WebhookValue>, fallback: Date, events: WebhookEvent[], ignored: string[], valueErrors: StatusError[]): void {
  valueErrors.push(...(mapErrors(value.errors) ?? []));
  for (const status of asArray(value.statuses)) {
    const event = mapStatus(status, fallback, ignored);
    if (event) events.push(event);
  }
  for (const message of asArray(value.messages)) {
    const event = mapMessage(message, fallback, ignored);
    if (event) events.push(event);
  }
}

/**
 * @param payload the parsed JSON body, a WebhookBody of either generation when 360dialog sent it
 * @param receivedAt used for events without a readable timestamp
 */
export function mapWebhookPayload(payload: unknown, receivedAt: Date): MappedPayload {
  const events: WebhookEvent[] = [];
  const accountEvents: AccountEvent[] = [];
  const valueErrors: StatusError[] = [];
  const ignored: string[] = [];
  if (!isObject<WebhookBody>(payload)) return { generation: 'none', events, accountEvents, valueErrors, ignored: ['the body is not a JSON object'] };

  let cloud = false;
  for (const entry of asArray(payload.entry)) {
    if (!isObject<CloudEntry>(entry)) continue;
    for (const change of asArray(entry.changes)) {
      if (!isObject<CloudChange>(change) || !isObject<WebhookValue>(change.value)) continue;
      cloud = true;
      if (change.field !== undefined && change.field !== 'messages') {
        // Other fields carry no timestamp of their own, mostly: the entry's time, else the receipt.
        accountEvents.push(...mapAccountChange(String(change.field), change.value, parseWebhookTimestamp(entry.time, receivedAt)));
        continue;
      }
      mapValue(change.value, receivedAt, events, ignored, valueErrors);
    }
  }
  const onPremise = Array.isArray(payload.statuses) || Array.isArray(payload.messages) || Array.isArray(payload.errors);
  if (onPremise) mapValue(payload, receivedAt, events, ignored, valueErrors);

  return { generation: cloud ? 'cloud' : onPremise ? 'onpremise' : 'none', events, accountEvents, valueErrors, ignored };
}

/**
 * A webhook body (On-Premise shape) carrying exactly these status events; mapping it gives them back.
 * Used to keep the unknown-message remainder of a body in the inbox after its known events were applied.
 */
export function statusEventsToBody(events: StatusEvent[]): string {
  return JSON.stringify({
    statuses: events.map((event) => ({
      id: event.messageId,
      status: event.status,
      timestamp: String(Math.floor(event.timestamp.getTime() / 1000)),
      ...(event.recipientWaId ? { recipient_id: event.recipientWaId } : {}),
      ...(event.callbackData ? { biz_opaque_callback_data: event.callbackData } : {}),
      ...(event.errors ? { errors: event.errors } : {}),
    })),
  });
}

export type BodyCheck = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

/** What the receiver accepts into the inbox: a JSON object. Anything else is stored as rejected. */
export function checkWebhookBody(text: string): BodyCheck {
  if (text.trim().length === 0) return { ok: false, reason: 'Body is empty' };
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `Body is not valid JSON: ${errorMessage(error)}` };
  }
  if (!isObject(payload)) return { ok: false, reason: 'Body is JSON but not an object' };
  return { ok: true, payload };
}
