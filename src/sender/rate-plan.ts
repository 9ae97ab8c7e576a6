/**
 * How a channel's messages-per-second becomes Bottleneck settings. Bottleneck serialises every job
 * through internal locks (≈400 jobs/s at most, docs/stack.md), so a job is a *batch* of
 * `perInterval` messages and job starts are spaced `intervalMs` apart: at 80 mps, 8 every 103 ms.
 */
export interface RatePlan {
  intervalMs: number;
  perInterval: number;
}

const SLOT_MS = 100;
const SLOTS = Array.from({ length: 10 }, (_, index) => (index + 1) * SLOT_MS);
/**
 * Each interval is stretched by 3 %: refills and sends jitter by a few milliseconds, and a provider
 * counting in a sliding second would otherwise now and then see one slot too many (measured: 6
 * throttling answers per 3,000 messages at an exact 100/100). 3 % of ten slots is 30 ms of slack.
 */
const GUARD = 1.03;

/** The shortest refill interval (100 ms steps up to 1 s) that loses the least of the rate to rounding. */
export function ratePlan(messagesPerSecond: number, slowdown = 1): RatePlan {
  const rate = Math.max(0.1, messagesPerSecond * slowdown);
  if (rate < 1) return { intervalMs: Math.ceil((GUARD * 1000) / rate), perInterval: 1 };
  let best = { slotMs: 1000, perInterval: Math.max(1, Math.floor(rate)) };
  let bestRate = 0;
  for (const slotMs of SLOTS) {
    const perInterval = Math.floor((rate * slotMs) / 1000);
    const achieved = (perInterval * 1000) / slotMs;
    if (perInterval >= 1 && achieved > bestRate + 1e-9) {
      best = { slotMs, perInterval };
      bestRate = achieved;
    }
  }
  return { intervalMs: Math.ceil(best.slotMs * GUARD), perInterval: best.perInterval };
}
