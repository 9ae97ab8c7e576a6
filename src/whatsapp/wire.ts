/**
 * The JSON that travels between the engine and 360dialog, both API generations (docs/whatsapp-api.md):
 * what the engine sends, what 360dialog answers, what it posts to webhooks. The engine's client
 * (payloads.ts, webhook-events.ts) and the sandbox both build and read these, so a shape changes here
 * only. Types only: each side keeps its own checks of what actually arrives.
 */

/** A template parameter: `{type:"text",text}`, `{type:"image",image:{link}}`, `{type:"payload",payload}`, … */
export type TemplateParameter = Record<string, unknown>;

/** One component of a template message as WhatsApp takes it (header, body, button), with its parameters. */
export interface TemplateComponent {
  type: string;
  sub_type?: string;
  index?: string | number;
  parameters?: TemplateParameter[];
}

// ── Send: POST /messages (Cloud), POST /v1/messages (On-Premise) ──────────────────────────────

export interface CloudTemplateSendBody {
  messaging_product: 'whatsapp';
  recipient_type?: 'individual';
  /** wa_id: digits of the E.164 number, no plus. */
  to: string;
  type: 'template';
  /** Up to 512 characters, echoed in the message's status webhooks. */
  biz_opaque_callback_data?: string;
  /** Marketing Messages API only (POST /marketing_messages): how long WhatsApp keeps trying, 12 h to 30 days. */
  message_send_ttl_seconds?: number;
  template: {
    name: string;
    language: { code: string };
    /** Only components that carry variables; left out when there are none. */
    components?: TemplateComponent[];
  };
}

export interface OnPremiseTemplateSendBody {
  to: string;
  type: 'template';
  template: {
    /** Required by 360dialog; null only when the engine has none to give (then the send is rejected). */
    namespace: string | null;
    name: string;
    language: { policy: 'deterministic'; code: string };
    components?: TemplateComponent[];
  };
}

export type TemplateSendBody = CloudTemplateSendBody | OnPremiseTemplateSendBody;

/** `meta` of every On-Premise answer. */
export interface OnPremiseMeta {
  api_status: string;
  version: string;
}

/** Cloud answers 200 with this. `messages[0].id` is the join key for every later status. */
export interface CloudSendAnswer {
  messaging_product: 'whatsapp';
  contacts: Array<{ input: string; wa_id: string }>;
  messages: Array<{ id: string }>;
}

/** On-Premise answers 201 with this. */
export interface OnPremiseSendAnswer {
  messages: Array<{ id: string }>;
  meta: OnPremiseMeta;
}

export type SendAnswer = CloudSendAnswer | OnPremiseSendAnswer;

// ── Errors ───────────────────────────────────────────────────────────────────────────────────

/** Meta's Graph error, as the Cloud API answers it. */
export interface CloudErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    error_data?: { messaging_product?: 'whatsapp'; details: string };
    fbtrace_id?: string;
  };
}

export interface OnPremiseError {
  code: number;
  title: string;
  details?: string;
}

export interface OnPremiseErrorBody {
  errors: OnPremiseError[];
  meta?: OnPremiseMeta;
}

/** 360dialog's own proxy layer: a wrong key, its rate limit, its outages, unknown paths. */
export interface ProxyErrorBody {
  meta: { success: false; http_code: number; developer_message: string; '360dialog_trace_id'?: string };
}

export type ErrorBody = CloudErrorBody | OnPremiseErrorBody | ProxyErrorBody;

// ── Configuration endpoints ──────────────────────────────────────────────────────────────────

/** POST /v1/configs/webhook: the headers are sent on every webhook call. */
export interface WebhookConfigRequest {
  url: string;
  headers?: Record<string, string>;
}

/** What POST (the url set) and GET (the url, or null when none) /v1/configs/webhook answer. */
export interface WebhookConfigAnswer {
  url: string | null;
}

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A template in Meta's form: `BODY` text holds `{{1}}`, `{{2}}` … (or named placeholders). */
export interface WabaTemplate {
  id?: string;
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … (On-Premise in lower case). */
  status: string;
  category: TemplateCategory;
  components: Array<{ type: string; format?: string; text?: string; buttons?: Array<Record<string, unknown>> }>;
  namespace?: string;
  parameter_format?: 'POSITIONAL' | 'NAMED';
  rejected_reason?: string;
}

/** GET /v1/configs/templates: one page of the number's templates. */
export interface TemplateListAnswer {
  count: number;
  filters: Record<string, unknown>;
  limit: number;
  offset: number;
  sort: string[];
  total: number;
  waba_templates: WabaTemplate[];
}

/** GET /v1/health (On-Premise only); some setups nest per-node statuses under `health`. */
export interface HealthAnswer {
  health: { gateway_status?: string; [node: string]: unknown };
  meta?: OnPremiseMeta;
}

/** GET /v1/configs/phone_number: the number the D360-API-KEY belongs to (digits, sometimes with a `+`). */
export interface PhoneNumberAnswer {
  phone_number: string;
}

// ── Partner API (hub.360dialog.io/api/v2, `Authorization: Bearer <partner token>`) ───────────────

/** One channel API key: what POST …/partners/{partner_id}/channels/{channel_id}/api_keys answers (the key in full, once). */
export interface PartnerApiKey {
  id: string;
  /** In full only in the answer to POST; listings mask all but the last 4 characters. */
  api_key: string;
  /** The base URL the key works on (e.g. https://waba-v2.360dialog.io). */
  address?: string;
  app_id?: string;
}

/** GET …/channels/{channel_id}/api_keys. */
export interface PartnerApiKeyList {
  api_keys: PartnerApiKey[];
  count?: number;
}

// ── Webhooks (360dialog → the engine) ────────────────────────────────────────────────────────

/** The statuses the sandbox posts; the engine also receives WireStatus's others. */
export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';
export type WireStatus = MessageStatus | 'deleted' | 'warning' | 'played';

/** An error on a status (or on a webhook value): `title` only, or `message` and `error_data.details`. */
export interface WebhookError {
  code: number;
  title: string;
  message?: string;
  error_data?: { details: string };
  href?: string;
}

export interface StatusItem {
  id: string;
  status: WireStatus;
  /** Unix seconds, as a string. */
  timestamp: string;
  recipient_id: string;
  /** `group` for a group recipient (recipient_id is then a group id). */
  recipient_type?: string;
  /** Business-scoped user ids (since 2026); people with usernames may have no phone number. */
  recipient_user_id?: string;
  user_id?: string;
  /** Cloud: as sent with the message. */
  biz_opaque_callback_data?: string;
  conversation?: { id: string; origin?: { type: string }; expiration_timestamp?: string };
  /** Per-message pricing (PMP) since July 2025; CBP with a conversation before. */
  pricing?: { billable?: boolean; pricing_model: string; category?: string; type?: string };
  errors?: WebhookError[];
}

/** A message a person sent the business number. */
export interface InboundMessageItem {
  from: string;
  /** Business-scoped user id of the sender (since 2026). */
  from_user_id?: string;
  id: string;
  /** Unix seconds, as a string. */
  timestamp: string;
  /** text, button, interactive, image, … */
  type: string;
  text?: { body: string };
  /** A template's quick-reply button. */
  button?: { payload: string | null; text: string };
  interactive?: {
    type?: string;
    button_reply?: { id: string; title: string };
    list_reply?: { id: string; title: string; description?: string };
  };
  /** The campaign message this one answers. */
  context?: { id: string; from?: string };
}

/**
 * What a person's message carries besides who sent it and when: its type with the matching field (a
 * text, a template's quick-reply `button` — payload null for some templates —, or an `interactive`
 * button_reply / list_reply), and `context` when it answers a message (a quick reply always does).
 */
export type InboundMessageContent = Pick<InboundMessageItem, 'type' | 'text' | 'button' | 'interactive' | 'context'>;

export interface WebhookContact {
  profile: { name: string };
  wa_id: string;
}

/** What one webhook carries, at the top level (On-Premise) or in each change's `value` (Cloud). */
export interface WebhookValue {
  statuses?: StatusItem[];
  messages?: InboundMessageItem[];
  contacts?: WebhookContact[];
  errors?: WebhookError[];
}

export interface CloudWebhookValue extends WebhookValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
}

export interface CloudWebhookBody {
  object: 'whatsapp_business_account';
  entry: Array<{
    id: string;
    /** Unix seconds; the only time most non-`messages` fields carry. */
    time?: number;
    /** `messages` carries statuses and messages; other fields (template and account updates) other values. */
    changes: Array<{ field: string; value: CloudWebhookValue }>;
  }>;
}

export type OnPremiseWebhookBody = WebhookValue;

export type WebhookBody = CloudWebhookBody | OnPremiseWebhookBody;

// ── Reading untrusted JSON ───────────────────────────────────────────────────────────────────

type KeysOf<T> = T extends unknown ? keyof T : never;

/**
 * A wire object as it arrives from the other side, before any check: the fields of T (of every
 * member when T is a union), each absent or of any type. Reading a field T does not have fails to
 * compile, so readers follow the shapes above while checking every value themselves.
 */
export type Unchecked<T> = { [K in KeysOf<T>]?: unknown };
