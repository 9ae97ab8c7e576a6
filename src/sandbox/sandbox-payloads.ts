/**
 * What the sandbox says, pure: request validation and every body it answers or posts, in the shapes of
 * both 360dialog API generations (docs/whatsapp-api.md) that whatsapp/wire.ts types. Only the shapes are
 * shared: the checks and the building are written independently of the engine's client, so the tests
 * exercise one implementation against the other.
 */
import type { ApiGeneration } from '../whatsapp/types.js';
import type {
  CloudErrorBody,
  CloudWebhookBody,
  CloudWebhookValue,
  ErrorBody,
  HealthAnswer,
  InboundMessageContent,
  MessageStatus,
  OnPremiseErrorBody,
  OnPremiseMeta,
  ProxyErrorBody,
  SendAnswer,
  StatusItem,
  TemplateCategory,
  TemplateComponent,
  TemplateParameter,
  TemplateSendBody,
  Unchecked,
  WebhookBody,
  WabaTemplate,
  WebhookValue,
} from '../whatsapp/wire.js';

export type Generation = ApiGeneration;
export type StatusName = MessageStatus;

export interface WhatsAppError {
  code: number;
  title: string;
  details?: string;
}

export interface AcceptedSend {
  to: string;
  templateName: string;
  language: string;
  namespace: string | null;
  callbackData: string | null;
  components: unknown[];
}

export interface SendValidationRules {
  /** When set, On-Premise requests must use exactly this namespace. */
  namespace?: string | null;
  /** When set, only these template names exist. */
  templateNames?: ReadonlySet<string> | null;
}

export type SendValidation = { ok: true; send: AcceptedSend } | { ok: false; error: WhatsAppError };

const DIGITS = /^\d{6,15}$/;
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;

const missing = (field: string): SendValidation => ({
  ok: false,
  error: { code: 131008, title: 'Required parameter is missing', details: `Parameter '${field}' is required` },
});
const invalid = (field: string, why: string): SendValidation => ({
  ok: false,
  error: { code: 131009, title: 'Parameter value is not valid', details: `Parameter '${field}' ${why}` },
});

type SendTemplate = TemplateSendBody['template'];

/** The checks 360dialog/Meta make on a template send (a TemplateSendBody), naming the first problem found. */
export function validateSendBody(generation: Generation, body: unknown, rules: SendValidationRules = {}): SendValidation {
  if (!isRecord<TemplateSendBody>(body)) return { ok: false, error: { code: 100, title: 'Invalid parameter', details: 'The request body must be a JSON object' } };
  const onPremise = generation === 'onpremise';
  if (!onPremise) {
    if (body.messaging_product === undefined) {
      return { ok: false, error: { code: 100, title: 'The parameter messaging_product is required.', details: "Parameter 'messaging_product' is required" } };
    }
    if (body.messaging_product !== 'whatsapp') return invalid('messaging_product', "must be 'whatsapp'");
    if (body.recipient_type !== undefined && body.recipient_type !== 'individual') return invalid('recipient_type', "must be 'individual'");
  }
  if (body.to === undefined) return missing('to');
  if (typeof body.to !== 'string' || !DIGITS.test(body.to)) return invalid('to', 'must be the digits of a phone number in international format, without + or spaces');
  if (body.type === undefined) return missing('type');
  if (body.type !== 'template') return invalid('type', "must be 'template' (the sandbox sends template messages only)");
  const template = body.template;
  if (template === undefined) return missing('template');
  if (!isRecord<SendTemplate>(template)) return invalid('template', 'must be an object');
  if (template.name === undefined) return missing('template.name');
  if (typeof template.name !== 'string' || !TEMPLATE_NAME.test(template.name)) return invalid('template.name', 'must be lowercase letters, digits and underscores');
  const language = template.language;
  if (language === undefined) return missing('template.language');
  if (!isRecord<SendTemplate['language']>(language)) return invalid('template.language', 'must be an object with a code');
  if (language.code === undefined) return missing('template.language.code');
  if (typeof language.code !== 'string' || !LANGUAGE_CODE.test(language.code)) return invalid('template.language.code', 'must be a language code such as en or en_US');
  let namespace: string | null = null;
  if (onPremise) {
    if (language.policy === undefined) return missing('template.language.policy');
    if (language.policy !== 'deterministic') return invalid('template.language.policy', "must be 'deterministic'");
    if (template.namespace === undefined) return missing('template.namespace');
    if (typeof template.namespace !== 'string' || template.namespace.length === 0) return invalid('template.namespace', 'must be a non-empty string');
    if (rules.namespace && template.namespace !== rules.namespace) {
      return { ok: false, error: { code: 2001, title: 'Template missing', details: `No template in namespace ${template.namespace} for this number` } };
    }
    namespace = template.namespace;
  }
  const components = template.components ?? [];
  if (!Array.isArray(components)) return invalid('template.components', 'must be an array');
  for (const [index, component] of components.entries()) {
    if (!isRecord<TemplateComponent>(component) || typeof component.type !== 'string') return invalid(`template.components[${index}].type`, 'is required');
    if (component.parameters !== undefined) {
      if (!Array.isArray(component.parameters)) return invalid(`template.components[${index}].parameters`, 'must be an array');
      for (const [position, parameter] of component.parameters.entries()) {
        if (!isRecord<TemplateParameter>(parameter) || typeof parameter.type !== 'string') {
          return invalid(`template.components[${index}].parameters[${position}].type`, 'is required');
        }
      }
    }
  }
  if (rules.templateNames && !rules.templateNames.has(template.name)) {
    return { ok: false, error: { code: 132001, title: 'Template name does not exist in the translation', details: `template name (${template.name}) does not exist in ${language.code}` } };
  }
  let callbackData: string | null = null;
  if (!onPremise && body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) {
      return invalid('biz_opaque_callback_data', 'must be a string of at most 512 characters');
    }
    callbackData = body.biz_opaque_callback_data;
  }
  return { ok: true, send: { to: body.to, templateName: template.name, language: language.code, namespace, callbackData, components } };
}

const ON_PREMISE_META: OnPremiseMeta = { api_status: 'stable', version: '2.53.2' };

/** Meta's and the On-Premise client's error shapes. */
export function errorBody(generation: 'cloud', error: WhatsAppError, traceId: string): CloudErrorBody;
export function errorBody(generation: 'onpremise', error: WhatsAppError, traceId: string): OnPremiseErrorBody;
export function errorBody(generation: Generation, error: WhatsAppError, traceId: string): CloudErrorBody | OnPremiseErrorBody;
export function errorBody(generation: Generation, error: WhatsAppError, traceId: string): CloudErrorBody | OnPremiseErrorBody {
  if (generation === 'onpremise') {
    return { errors: [{ code: error.code, title: error.title, ...(error.details ? { details: error.details } : {}) }], meta: ON_PREMISE_META };
  }
  return {
    error: {
      message: `(#${error.code}) ${error.title}`,
      type: 'OAuthException',
      code: error.code,
      error_data: { messaging_product: 'whatsapp', details: error.details ?? error.title },
      fbtrace_id: traceId,
    },
  };
}

/** 360dialog's own proxy layer (wrong key, its rate limit, its outages). */
export function proxyErrorBody(httpCode: number, message: string, traceId: string): ProxyErrorBody {
  return { meta: { success: false, http_code: httpCode, developer_message: message, '360dialog_trace_id': traceId } };
}

export function sendAnswer(generation: Generation, to: string, messageId: string): { httpStatus: number; body: SendAnswer } {
  if (generation === 'onpremise') return { httpStatus: 201, body: { messages: [{ id: messageId }], meta: ON_PREMISE_META } };
  return { httpStatus: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: messageId }] } };
}

export type ThrottleStyle = 'code130429' | 'proxy400' | 'http429';

export const RATE_LIMIT_MESSAGE = 'You have exceeded the endpoint rate limit';

/** The three throttling answers docs/whatsapp-api.md lists. */
export function throttleAnswer(generation: Generation, style: ThrottleStyle, traceId: string): { httpStatus: number; body: ErrorBody } {
  switch (style) {
    case 'proxy400':
      return { httpStatus: 400, body: proxyErrorBody(400, RATE_LIMIT_MESSAGE, traceId) };
    case 'code130429':
      return { httpStatus: 400, body: errorBody(generation, { code: 130429, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' }, traceId) };
    case 'http429':
      return generation === 'onpremise'
        ? { httpStatus: 429, body: errorBody(generation, { code: 1015, title: 'Too many requests', details: 'Rate limits exceeded' }, traceId) }
        : { httpStatus: 429, body: errorBody(generation, { code: 130429, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' }, traceId) };
  }
}

/** Message ids in each generation's style, unique per sandbox run (`runId`) and sequence number. */
export function messageId(generation: Generation, runId: string, sequence: number, to: string): string {
  if (generation === 'onpremise') return `gBEG${Buffer.from(`${runId}${sequence.toString(36)}`, 'utf8').toString('base64url')}`;
  return `wamid.${Buffer.from(`HBgL${to}FQIAERgS${runId}${sequence.toString(16).toUpperCase()}`, 'utf8').toString('base64')}`;
}

export interface StatusEvent {
  messageId: string;
  recipientId: string;
  status: StatusName;
  /** Unix seconds. */
  timestamp: number;
  callbackData: string | null;
  error?: WhatsAppError;
  /** The pricing category of the message's template (lower case, from the sandbox's registry); marketing when unknown. */
  pricingCategory?: string;
}

export interface AccountInfo {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

function cloudStatus(event: StatusEvent): StatusItem {
  const status: StatusItem = {
    id: event.messageId,
    status: event.status,
    timestamp: String(event.timestamp),
    recipient_id: event.recipientId,
  };
  if (event.status === 'sent' || event.status === 'delivered') status.conversation = { id: `conv${event.recipientId}`, origin: { type: 'marketing' } };
  // Per-message pricing rides on sent and again on delivered and read (bill once per message); a failed one is not billable.
  // Rate card-independent: the model, the template's category, billable and the type; never a price.
  const category = event.pricingCategory ?? 'marketing';
  if (event.status === 'sent' || event.status === 'delivered' || event.status === 'read') {
    status.pricing = { billable: true, pricing_model: 'PMP', category, type: 'regular' };
  } else if (event.status === 'failed') {
    status.pricing = { billable: false, pricing_model: 'PMP', category, type: 'regular' };
  }
  if (event.error) {
    status.errors = [{ code: event.error.code, title: event.error.title, message: event.error.title, error_data: { details: event.error.details ?? event.error.title } }];
  }
  if (event.callbackData !== null) status.biz_opaque_callback_data = event.callbackData;
  return status;
}

function onPremiseStatus(event: StatusEvent): StatusItem {
  const status: StatusItem = {
    id: event.messageId,
    recipient_id: event.recipientId,
    status: event.status,
    timestamp: String(event.timestamp),
  };
  if (event.status === 'sent' || event.status === 'delivered') {
    status.conversation = { id: `conv${event.recipientId}` };
    status.pricing = { billable: true, pricing_model: 'CBP' };
  }
  if (event.error) status.errors = [{ code: event.error.code, title: event.error.title }];
  return status;
}

function cloudEnvelope(account: AccountInfo, value: WebhookValue): CloudWebhookBody {
  const fullValue: CloudWebhookValue = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: account.displayPhoneNumber, phone_number_id: account.phoneNumberId },
    ...value,
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: account.wabaId,
        changes: [{ field: 'messages', value: fullValue }],
      },
    ],
  };
}

/** One webhook POST carrying several statuses. */
export function statusWebhookBody(generation: Generation, events: readonly StatusEvent[], account: AccountInfo): WebhookBody {
  if (generation === 'onpremise') return { statuses: events.map(onPremiseStatus) };
  return cloudEnvelope(account, { statuses: events.map(cloudStatus) });
}

export interface InboundText {
  messageId: string;
  from: string;
  profileName: string;
  text: string;
  timestamp: number;
  /** A tap instead of a text (inboundContent); `text` is then the button's text unless it gives its own. */
  reply?: InboundReply;
  /** context.id: the message this one answers. */
  contextId?: string;
}

/** A button a person taps: a template's quick reply (payload null as some templates send it) or an interactive reply. */
export type InboundReply =
  | { kind: 'quick_reply'; payload: string | null; text?: string }
  | { kind: 'button_reply' | 'list_reply'; id: string; title?: string; description?: string };

/** The message's type and content field, and its context (`from`: the business number it answers). */
export function inboundContent(inbound: Pick<InboundText, 'text' | 'reply' | 'contextId'>, account: AccountInfo): InboundMessageContent {
  const context = inbound.contextId ? { context: { from: account.displayPhoneNumber, id: inbound.contextId } } : {};
  const reply = inbound.reply;
  if (!reply) return { type: 'text', text: { body: inbound.text }, ...context };
  if (reply.kind === 'quick_reply') return { type: 'button', button: { payload: reply.payload, text: reply.text ?? inbound.text }, ...context };
  const title = reply.title ?? inbound.text;
  const interactive: NonNullable<InboundMessageContent['interactive']> =
    reply.kind === 'button_reply'
      ? { type: 'button_reply', button_reply: { id: reply.id, title } }
      : { type: 'list_reply', list_reply: { id: reply.id, title, ...(reply.description ? { description: reply.description } : {}) } };
  return { type: 'interactive', interactive, ...context };
}

export function inboundWebhookBody(generation: Generation, inbound: InboundText, account: AccountInfo): WebhookBody {
  const contacts: WebhookValue['contacts'] = [{ profile: { name: inbound.profileName }, wa_id: inbound.from }];
  const messages: WebhookValue['messages'] = [{ from: inbound.from, id: inbound.messageId, timestamp: String(inbound.timestamp), ...inboundContent(inbound, account) }];
  if (generation === 'onpremise') return { contacts, messages };
  return cloudEnvelope(account, { contacts, messages });
}

/**
 * A template the sandbox knows, in Meta's form (wire.ts WabaTemplate) with two conveniences: `body` as a
 * shorthand for a BODY component with that text, and `status` defaulting to APPROVED.
 */
export interface SandboxTemplate {
  name: string;
  language: string;
  category: TemplateCategory;
  /** Shorthand for `{ type: 'BODY', text: body }`. */
  body?: string;
  /** HEADER (format TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION), BODY, FOOTER, BUTTONS, as Meta lists them. */
  components?: WabaTemplate['components'];
  /** APPROVED (default), PENDING, REJECTED, PAUSED, DISABLED, … */
  status?: string;
  parameter_format?: 'POSITIONAL' | 'NAMED';
}

export function healthBody(gatewayStatus: string): HealthAnswer {
  return { health: { gateway_status: gatewayStatus }, meta: ON_PREMISE_META };
}

/** Capped exponential backoff for webhook redelivery: initial, 2×, 4×, … up to max. */
export function webhookRetryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

/** A JSON object, read as the wire shape T (default: any object) with its fields still unchecked. */
export function isRecord<T = Record<string, unknown>>(value: unknown): value is Unchecked<T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
