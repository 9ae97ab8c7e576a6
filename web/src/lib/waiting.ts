/** Words for the report's waiting reasons (WAITING_REASONS in src/reports/dto/report.dto.ts): text, never colour alone. */
import type { WaitingReason } from '../api/types';
import { humanize } from './format';

/** A Record over the generated enum: a reason the engine adds breaks the build until it has words here. */
export const WAITING_LABELS: Record<WaitingReason, string> = {
  send_window: 'Outside the send window',
  messaging_limit: 'Messaging limit: the 24 h budget is used up',
  retry: 'Retry after a temporary error',
  throttled: 'Throttled by WhatsApp',
  pair_rate_limit: 'Messaged this person too often just now (pair rate limit)',
  marketing_limit: "WhatsApp's marketing limit for this person",
  unknown_outcome: 'Outcome of an earlier attempt unknown',
  campaign_paused: 'Campaign paused',
  channel_paused: 'Channel paused',
  frequency_cap: 'Frequency cap reached',
  ab_test: 'Held for the A/B test winner',
};

export function waitingLabel(reason: string): string {
  return (WAITING_LABELS as Record<string, string>)[reason] ?? humanize(reason);
}

/** The engine's "no time: waits for an event" (the A/B pick reads 9999-12-31). */
export function waitsForEvent(nextAttemptAt: string | null): boolean {
  return nextAttemptAt !== null && nextAttemptAt.startsWith('9999-');
}
