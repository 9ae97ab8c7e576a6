/**
 * The account-level webhooks the sandbox posts on demand (POST /_sandbox/signals, Sandbox.sendSignal):
 * every Cloud field other than `messages` (template status and category, quality, account, capability,
 * user preferences, or any other), and a value-level error (field `messages`, `value.errors`, no message
 * id). Cloud body: `entry[].time` and `changes[].field`, the envelope of whatsapp/wire.ts's
 * CloudWebhookBody; an On-Premise key's value-level error is its top-level `errors`. Pure.
 */
import type { CloudWebhookBody, CloudWebhookValue, OnPremiseWebhookBody, WebhookError } from '../whatsapp/wire.js';
import type { AccountInfo, Generation } from './sandbox-payloads.js';

/** The values Meta sends per field (docs/whatsapp-api.md); any other field's value is passed as given. */
export interface SignalValues {
  message_template_status_update: {
    event: string;
    message_template_id?: number | string;
    message_template_name?: string;
    message_template_language?: string;
    reason?: string | null;
  };
  template_category_update: {
    message_template_id?: number | string;
    message_template_name?: string;
    message_template_language?: string;
    previous_category?: string;
    /** The completed form. */
    new_category?: string;
    /** The impending form (the change takes effect later). */
    correct_category?: string;
  };
  phone_number_quality_update: { display_phone_number?: string; event: string; current_limit?: string; max_daily_conversations_per_business?: string | number };
  account_update: {
    event: string;
    phone_number?: string;
    restriction_info?: Array<{ restriction_type: string; expiration?: number }>;
    violation_info?: { violation_type: string };
    ban_info?: { waba_ban_state: string; waba_ban_date?: string };
  };
  business_capability_update: { max_daily_conversations_per_business?: number | string; max_daily_conversation_per_phone?: number | string; max_phone_numbers_per_waba?: number };
  user_preferences: { user_preferences: Array<{ wa_id: string; detail?: string; category: string; value: 'stop' | 'resume'; timestamp?: number }> };
  /** A value-level error: about the number, naming no message. */
  messages: { errors: WebhookError[] };
}

export type SignalField = keyof SignalValues;

export interface SignalRequest {
  field: string;
  value: Record<string, unknown>;
  /** entry[].time, Unix seconds; default now. */
  time?: number;
}

export interface SignalResult {
  field: string;
  /** Whether the engine answered 200 (redelivered like a status webhook until then). */
  delivered: boolean;
}

type CloudEntry = CloudWebhookBody['entry'][number];

/** CloudWebhookBody with a change whose value is a non-`messages` field's. */
export interface CloudSignalBody {
  object: CloudWebhookBody['object'];
  entry: Array<Pick<CloudEntry, 'id' | 'time'> & { changes: Array<{ field: string; value: Record<string, unknown> }> }>;
}

export type SignalWebhookBody = CloudSignalBody | CloudWebhookBody | OnPremiseWebhookBody;

/** The body of one signal webhook for a key of `generation` and `account`. */
export function signalWebhookBody(generation: Generation, account: AccountInfo, signal: SignalRequest): SignalWebhookBody {
  const time = signal.time ?? Math.floor(Date.now() / 1000);
  if (signal.field === 'messages') {
    const errors = (Array.isArray(signal.value.errors) ? signal.value.errors : []) as WebhookError[];
    if (generation === 'onpremise') return { errors };
    const value: CloudWebhookValue = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: account.displayPhoneNumber, phone_number_id: account.phoneNumberId },
      errors,
    };
    return { object: 'whatsapp_business_account', entry: [{ id: account.wabaId, time, changes: [{ field: 'messages', value }] }] };
  }
  return { object: 'whatsapp_business_account', entry: [{ id: account.wabaId, time, changes: [{ field: signal.field, value: signal.value }] }] };
}
