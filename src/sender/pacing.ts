/**
 * Pacing within the messaging limit (issue 14), a pure rule. A channel with a limit may open `limit`
 * new conversations per moving 24 h. Instead of spending what is left in a burst and then waiting a
 * day, the remaining budget is spread evenly over the time until the oldest counted conversation
 * leaves the window (when that happens, budget comes back and the plan is made again):
 *
 *   pace = remaining / (oldest + 24 h − now)      (no conversation in the window: remaining / 24 h)
 *
 * Slots are handed out GCRA-style: `nextSlotAt` (stored per channel) is when the next conversation may
 * start; each one used moves it one interval (1 / pace) later. A channel idle for a while may catch up
 * at most CATCH_UP_MS of slots at once, so idleness never turns into a burst.
 */
export const WINDOW_MS = 24 * 3_600_000;
export const CATCH_UP_MS = 10_000;

export interface PacingInput {
  limit: number;
  /** Conversations counted in the moving 24 h window now. */
  open: number;
  /** When the oldest of them started; null: none. */
  oldest: Date | null;
  /** The stored next slot; null: never paced. */
  nextSlotAt: Date | null;
  now: Date;
}

export interface PacingPlan {
  /** Budget left in the window. */
  remaining: number;
  /** Planned conversations per minute (0 when the budget is used up). */
  perMinute: number;
  /** New conversations that may start now. */
  allowed: number;
  /** When budget comes back (the oldest counted conversation leaves the window). */
  refillAt: Date;
  /** The next slot after `used` of the allowed conversations were started now. */
  nextSlotAfter(used: number): Date;
}

export function planPacing(input: PacingInput): PacingPlan {
  const now = input.now.getTime();
  const remaining = Math.max(0, input.limit - input.open);
  const refillAt = input.oldest ? input.oldest.getTime() + WINDOW_MS : now + WINDOW_MS;
  const horizonMs = Math.max(1_000, refillAt - now);
  if (remaining === 0) {
    return { remaining, perMinute: 0, allowed: 0, refillAt: new Date(refillAt), nextSlotAfter: () => input.nextSlotAt ?? input.now };
  }
  const intervalMs = horizonMs / remaining;
  const tat = Math.max(input.nextSlotAt?.getTime() ?? now, now - (intervalMs < CATCH_UP_MS ? CATCH_UP_MS : 0));
  const allowed = now < tat ? 0 : Math.min(remaining, Math.floor((now - tat) / intervalMs) + 1);
  return {
    remaining,
    perMinute: (remaining * 60_000) / horizonMs,
    allowed,
    refillAt: new Date(refillAt),
    nextSlotAfter: (used: number) => new Date(tat + Math.max(0, used) * intervalMs),
  };
}
