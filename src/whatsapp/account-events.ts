/**
 * Cloud webhook fields other than `messages` (entry[].changes[].field), read into one internal union.
 * They name only the WABA or the display number, so the caller routes them by the channel whose webhook
 * URL received them. Pure and liberal: missing fields become null, an unknown field is kept as `other`.
 * Shapes: docs/whatsapp-api.md § What changed by 2026.
 */
import { isJsonObject, type JsonObject, trimmedString, webhookTime } from './json-read.js';

export interface TemplateStatusChange {
  kind: 'template_status';
  /** APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, REINSTATED, PENDING_DELETION, … */
  event: string;
  templateId: string | null;
  name: string | null;
  language: string | null;
  /** Meta's words, e.g. "LOW_QUALITY" or a rejection reason. */
  reason: string | null;
  occurredAt: Date;
}

export interface TemplateCategoryChange {
  kind: 'template_category';
  templateId: string | null;
  name: string | null;
  language: string | null;
  previousCategory: string | null;
  /** The category now (completed form) or the one it will get (impending form). */
  newCategory: string | null;
  /** True for the "impending" form: the change takes effect later. */
  impending: boolean;
  occurredAt: Date;
}

export interface QualityChange {
  kind: 'phone_quality';
  displayPhoneNumber: string | null;
  /** FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, … */
  event: string;
  /** The messaging limit the event announces (unique people per 24 h), null when it names none; Infinity for unlimited. */
  messagingLimit: number | null;
  occurredAt: Date;
}

export interface AccountChange {
  kind: 'account_update';
  /** DISABLED_UPDATE, ACCOUNT_RESTRICTION, ACCOUNT_VIOLATION, BUSINESS_…, … */
  event: string;
  restrictions: Array<{ type: string; expiresAt: Date | null }>;
  violation: string | null;
  banState: string | null;
  occurredAt: Date;
}

export interface CapabilityChange {
  kind: 'business_capability';
  messagingLimit: number | null;
  occurredAt: Date;
}

export interface UserPreferenceChange {
  kind: 'user_preference';
  waId: string;
  /** e.g. marketing_messages */
  category: string;
  value: 'stop' | 'resume' | string;
  detail: string | null;
  occurredAt: Date;
}

export interface OtherChange {
  kind: 'other';
  field: string;
}

export type AccountEvent = TemplateStatusChange | TemplateCategoryChange | QualityChange | AccountChange | CapabilityChange | UserPreferenceChange | OtherChange;

const text = (value: unknown): string | null => trimmedString(value, 512);
const upper = (value: unknown): string => text(value)?.toUpperCase() ?? 'UNKNOWN';
const time = (value: unknown, fallback: Date): Date => webhookTime(value) ?? fallback;

/** Meta's limit tiers (TIER_250 … TIER_UNLIMITED) or a plain number, as unique people per moving 24 h. */
export function messagingLimitOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const tier = text(value)?.toUpperCase().replace(/^TIER_/, '');
  if (!tier) return null;
  if (tier === 'UNLIMITED') return Number.POSITIVE_INFINITY;
  const match = /^(\d+)(K)?$/.exec(tier);
  const limit = match ? Number(match[1]) * (match[2] ? 1000 : 1) : 0;
  return limit > 0 ? limit : null;
}

function templateFields(value: JsonObject): Pick<TemplateStatusChange, 'templateId' | 'name' | 'language'> {
  return { templateId: text(value.message_template_id), name: text(value.message_template_name), language: text(value.message_template_language) };
}

/**
 * One `changes[]` item whose field is not `messages`. `occurredAt`: the entry's `time` when the value
 * carries no timestamp of its own, else the fallback (the time the body was received).
 */
export function mapAccountChange(field: string, value: unknown, occurredAt: Date): AccountEvent[] {
  const body = isJsonObject(value) ? value : {};
  const at = time(body.timestamp, occurredAt);
  switch (field) {
    case 'message_template_status_update':
      return [{ kind: 'template_status', event: upper(body.event), ...templateFields(body), reason: text(body.reason) ?? text(body.other_info), occurredAt: at }];
    case 'template_category_update': {
      const impending = body.correct_category !== undefined && body.new_category === undefined;
      return [
        {
          kind: 'template_category',
          ...templateFields(body),
          previousCategory: text(body.previous_category)?.toUpperCase() ?? null,
          newCategory: (text(body.new_category) ?? text(body.correct_category))?.toUpperCase() ?? null,
          impending,
          occurredAt: at,
        },
      ];
    }
    case 'phone_number_quality_update':
      return [
        {
          kind: 'phone_quality',
          displayPhoneNumber: text(body.display_phone_number),
          event: upper(body.event),
          messagingLimit: messagingLimitOf(body.current_limit) ?? messagingLimitOf(body.max_daily_conversations_per_business) ?? messagingLimitOf(body.messaging_limit_tier),
          occurredAt: at,
        },
      ];
    case 'account_update': {
      const restrictions = (Array.isArray(body.restriction_info) ? body.restriction_info : []).filter(isJsonObject).map((item) => ({
        type: upper(item.restriction_type),
        expiresAt: webhookTime(item.expiration),
      }));
      const violation = isJsonObject(body.violation_info) ? text(body.violation_info.violation_type) : null;
      const banState = isJsonObject(body.ban_info) ? text(body.ban_info.waba_ban_state) : null;
      return [{ kind: 'account_update', event: upper(body.event), restrictions, violation, banState, occurredAt: at }];
    }
    case 'business_capability_update':
      return [
        {
          kind: 'business_capability',
          messagingLimit:
            messagingLimitOf(body.max_daily_conversations_per_business) ?? messagingLimitOf(body.max_daily_conversation_per_phone) ?? messagingLimitOf(body.messaging_limit_tier),
          occurredAt: at,
        },
      ];
    case 'user_preferences':
      return (Array.isArray(body.user_preferences) ? body.user_preferences : []).filter(isJsonObject).flatMap((item): AccountEvent[] => {
        const waId = text(item.wa_id)?.replace(/^\+/, '');
        const preference = text(item.value)?.toLowerCase();
        if (!waId || !preference) return [];
        return [{ kind: 'user_preference', waId, category: text(item.category)?.toLowerCase() ?? 'unknown', value: preference, detail: text(item.detail), occurredAt: time(item.timestamp, at) }];
      });
    default:
      return [{ kind: 'other', field }];
  }
}

/** Whether an account event restricts sending now: an expired restriction is history, not a reason to pause. */
export function restrictsSending(event: AccountChange, now: Date): boolean {
  if (event.event === 'DISABLED_UPDATE' || event.banState === 'DISABLE' || event.banState === 'SCHEDULE_FOR_DISABLE') return true;
  if (event.restrictions.length > 0) return event.restrictions.some((restriction) => restriction.expiresAt === null || restriction.expiresAt > now);
  return event.event === 'ACCOUNT_RESTRICTION' || event.event === 'ACCOUNT_VIOLATION';
}

/** The template events after which a campaign using the template must not send. */
export const TEMPLATE_STOP_EVENTS: ReadonlySet<string> = new Set(['PAUSED', 'DISABLED', 'REJECTED', 'FLAGGED', 'PENDING_DELETION']);
/** The template events after which it may be resumed. */
export const TEMPLATE_RESUME_EVENTS: ReadonlySet<string> = new Set(['APPROVED', 'REINSTATED', 'UNPAUSED']);
