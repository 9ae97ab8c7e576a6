/**
 * The words a person reads for an account signal (pure): campaign pause reasons, template notices and
 * the channel's lastAccountEvent summary. Shapes: whatsapp/account-events.ts.
 */
import type { AccountEventSummary } from '../channels/channel.entity.js';
import type { AccountChange, CapabilityChange, QualityChange, TemplateCategoryChange, TemplateStatusChange } from '../whatsapp/account-events.js';

const day = (at: Date): string => at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const templateName = (event: { name: string | null; language: string | null; templateId: string | null }, key?: { name: string; language: string }): string =>
  `template "${key?.name ?? event.name ?? `id ${event.templateId ?? '?'}`}" (${key?.language ?? event.language ?? '?'})`;

/** Why campaigns using a template WhatsApp stopped are paused: the template, the event and Meta's reason. */
export function templatePauseReason(event: TemplateStatusChange, key: { name: string; language: string }): string {
  return `${templateName(event, key)} is ${event.event} by WhatsApp (message_template_status_update at ${day(event.occurredAt)})` + (event.reason ? `: ${event.reason}` : '');
}

/** What a campaign shows once its template is (or will be) recategorised as MARKETING. */
export function marketingNotice(event: TemplateCategoryChange, key: { name: string; language: string }): string {
  const from = event.previousCategory ? ` from ${event.previousCategory}` : '';
  return event.impending
    ? `WhatsApp will recategorise ${templateName(event, key)}${from} to MARKETING (template_category_update at ${day(event.occurredAt)}): marketing pricing and opt-outs will apply`
    : `WhatsApp recategorised ${templateName(event, key)}${from} to MARKETING (template_category_update at ${day(event.occurredAt)}): marketing pricing and opt-outs apply`;
}

const limitWords = (limit: number | null): string =>
  limit === null ? '' : `; messaging limit ${limit === Number.POSITIVE_INFINITY ? 'unlimited' : `${limit} people per 24 h`}`;

/** An account_update in words: the event, each restriction with its expiry, violation and ban state. */
export function accountSummary(event: AccountChange, now: Date): string {
  const parts = [event.event];
  for (const restriction of event.restrictions) {
    const until = restriction.expiresAt === null ? 'with no end date' : `${restriction.expiresAt > now ? 'until' : 'expired'} ${day(restriction.expiresAt)}`;
    parts.push(`restriction ${restriction.type} ${until}`);
  }
  if (event.violation) parts.push(`violation ${event.violation}`);
  if (event.banState) parts.push(`ban state ${event.banState}`);
  return parts.join('; ');
}

export function qualitySummary(event: QualityChange): string {
  return `quality ${event.event}` + (event.displayPhoneNumber ? ` for ${event.displayPhoneNumber}` : '') + limitWords(event.messagingLimit);
}

export function capabilitySummary(event: CapabilityChange): string {
  return `business capability update${limitWords(event.messagingLimit)}`;
}

export function summaryOf(kind: string, event: string, summary: string, occurredAt: Date): AccountEventSummary {
  return { kind, event, summary, occurredAt: occurredAt.toISOString() };
}

/** An announced limit as stored: undefined when the event names none (keep the stored one), null for unlimited. */
export function storedLimit(limit: number | null): number | null | undefined {
  if (limit === null) return undefined;
  return limit === Number.POSITIVE_INFINITY ? null : Math.min(limit, 2_147_483_647);
}
