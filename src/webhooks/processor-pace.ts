/**
 * When the webhook processor takes its next batch. Pure: the service measures, this decides.
 *
 * Acknowledgements come first. 360dialog waits for the receiver's 200, answered in well under 250 ms
 * or retried. The processor only moves the report forward, and the inbox exists so that it can lag.
 * When the receiver runs in the same process and this process's event loop was saturated since the
 * last batch, while bodies kept arriving, the processor rests before its next batch. The receiver
 * gets the CPU during a burst, and the backlog is drained once the burst eases.
 * The rest is bounded: a batch whose oldest body has already waited `maxLagMs` is followed by the
 * next at once, so a flood that never ends still gets its statuses applied, at most about
 * `maxLagMs` late.
 */

export interface PaceSettings {
  /** Event-loop utilisation (0–1) from which the processor yields; 1 turns yielding off. */
  yieldUtilization: number;
  /** How long it rests when it yields. */
  yieldMs: number;
  /** A batch whose oldest body waited this long is never followed by a rest. */
  maxLagMs: number;
}

export interface PaceInput {
  /** Items the batch just processed claimed. */
  claimed: number;
  batchSize: number;
  /** This process's event-loop utilisation (0–1) since the previous batch was decided. */
  eventLoopUtilization: number;
  /** Whether this process's receiver stored new bodies since the previous batch was decided. */
  bodiesArrived: boolean;
  /** How long the oldest claimed item had been due when it was claimed (0 when none). */
  lagMs: number;
}

/** `now`: claim again at once; `rest`: wait `ms`, ignoring nudges; `idle`: wait for a nudge or the poll interval. */
export type NextBatch = { kind: 'now' } | { kind: 'rest'; ms: number } | { kind: 'idle' };

export function nextBatch(input: PaceInput, settings: PaceSettings): NextBatch {
  if (input.claimed === 0) return { kind: 'idle' };
  const receiverBusy = settings.yieldUtilization < 1 && input.bodiesArrived && input.eventLoopUtilization >= settings.yieldUtilization;
  if (receiverBusy && input.lagMs < settings.maxLagMs) return { kind: 'rest', ms: settings.yieldMs };
  return input.claimed >= input.batchSize ? { kind: 'now' } : { kind: 'idle' };
}
