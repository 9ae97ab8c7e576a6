import type { TemplateComponent } from './wire.js';

/** The two 360dialog API generations: Cloud (`waba-v2.360dialog.io`) and On-Premise (`waba.360dialog.io`). */
export type ApiGeneration = 'cloud' | 'onpremise';

/** Defined with the other wire shapes (wire.ts); here too for the callers that know it from here. */
export type { TemplateComponent } from './wire.js';

/** A template to send: its name and language, the On-Premise namespace, and the components carrying variables. */
export interface Template {
  name: string;
  language: string;
  namespace?: string | null;
  components: TemplateComponent[];
}

/** What the 360dialog client needs to call one channel (the API key decrypted, in memory only). */
export interface ChannelCredentials {
  channelId: string;
  apiGeneration: ApiGeneration;
  baseUrl: string;
  apiKey: string;
  templateNamespace: string | null;
}

export interface TemplateMessage {
  /** wa_id: digits of the E.164 number, no plus. */
  to: string;
  template: Template;
  /** Cloud only: echoed back in the message's status webhooks (`biz_opaque_callback_data`). */
  callbackData?: string;
  /** Cloud only: `marketing_messages` sends through Meta's Marketing Messages API (MARKETING templates). Default `messages`. */
  endpoint?: SendEndpoint;
  /** With `marketing_messages`: message_send_ttl_seconds. */
  ttlSeconds?: number | null;
}

export type SendEndpoint = 'messages' | 'marketing_messages';

export type SendResult =
  | { ok: true; messageId: string; latencyMs: number }
  | {
      ok: false;
      latencyMs: number;
      /** HTTP status, or null when no answer arrived (network error or timeout). */
      httpStatus: number | null;
      /** WhatsApp/360dialog error code from either generation's body, when present. */
      errorCode: number | null;
      errorTitle: string;
      details?: string;
      /** The request may have reached 360dialog but no answer came back: the outcome is unknown. */
      outcomeUnknown: boolean;
      /** One of 360dialog's throttling answers (HTTP 429, 130429/1015, or 400 "…rate limit"): slow the channel down. */
      throttled?: boolean;
    };
