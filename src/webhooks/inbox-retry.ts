/**
 * Retry rules for inbox items (pure).
 *
 * Unknown message ids: a status may arrive before the sender stored the message id, so the event stays
 * in the inbox and is retried with backoff (1 s, 2 s, 4 s … capped at 60 s) until
 * WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS after it was received; one last attempt runs at that deadline,
 * then it is parked with the reason.
 *
 * Processing errors (the item itself makes a statement fail): retried with the same backoff, parked
 * after MAX_ERROR_ATTEMPTS so it can never block the inbox.
 */
export const MAX_ERROR_ATTEMPTS = 8;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

/** Delay before the next attempt, given the number of attempts made so far (≥ 1). */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(BASE_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

export type RetryDecision = { action: 'retry'; nextAttemptAt: Date } | { action: 'park' };

export function unknownMessageDecision(input: {
  receivedAt: Date;
  attempts: number;
  now: Date;
  retrySeconds: number;
}): RetryDecision {
  const deadline = input.receivedAt.getTime() + input.retrySeconds * 1000;
  if (input.now.getTime() >= deadline) return { action: 'park' };
  const next = Math.min(input.now.getTime() + retryDelayMs(input.attempts), deadline);
  return { action: 'retry', nextAttemptAt: new Date(next) };
}

export function processingErrorDecision(input: { attempts: number; now: Date }): RetryDecision {
  if (input.attempts >= MAX_ERROR_ATTEMPTS) return { action: 'park' };
  return { action: 'retry', nextAttemptAt: new Date(input.now.getTime() + retryDelayMs(input.attempts)) };
}
