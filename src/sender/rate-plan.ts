/**
 * How a channel's messages-per-second becomes Bottleneck settings. Bottleneck serialises every job
 * through internal locks (≈400 jobs/s at most, docs/stack.md), so a job is a *batch* of
 * `perInterval` messages and job starts are spaced `intervalMs` apart: at 80 mps, 8 every 105 ms.
 */
export interface RatePlan {
  intervalMs: number;
  perInterval: number;
}

const SLOT_MS = 100;
const SLOTS = Array.from({ length: 10 }, (_, index) => (index + 1) * SLOT_MS);
/**
 * Each interval is stretched by 5 %: a batch goes out after its confirm query, whose time varies (p50
 * 4 ms, p99 20-30 ms, max 57 ms measured under load on this machine kind), and a provider counting in
 * a sliding second sees a late batch and the on-time one ten slots later in the same second. 3 %
 * (30 ms of slack in ten slots) gave 4-11 throttling answers per 3,000 messages once batches were
 * whole; 4 % gave 4 in one run of three; 5 % gave none in five runs, at 95.5 msg/s of 100. A batch
 * later than the slack allows is held back by sliding-second.ts.
 */
const GUARD = 1.05;

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

/**
 * How many recipients to claim when there is `room` for them: whole batches only. Every job takes a
 * full slot of the limiter whatever its size, so a claim of 73 at 10 per slot would send 7 full
 * batches and one of 3, and lose most of a slot each time (measured: 91 msg/s of a planned 97). Room
 * for less than one batch is claimed as it is (the last recipients, or a messaging limit nearly used).
 */
export function claimSize(room: number, perInterval: number): number {
  const whole = Math.floor(room / perInterval) * perInterval;
  return whole > 0 ? whole : Math.max(0, room);
}
