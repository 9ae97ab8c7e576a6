import { type PaceSettings, ProcessorPace } from './processor-pace.js';

const settings: PaceSettings = { yieldUtilization: 0.8, yieldArrivalsPerSecond: 1000, yieldMs: 200, maxLagMs: 30_000 };
const FULL = 1000;

/** A hand-driven clock: time moves only when the test says, and the loop is as busy as the test sets. */
function paced(overrides: Partial<PaceSettings> = {}) {
  const clock = { t: 0, utilization: 0.3, now: () => clock.t, loopUtilization: () => clock.utilization };
  const pace = new ProcessorPace({ ...settings, ...overrides }, clock);
  /** `ms` pass while the receiver stores `bodies` bodies. */
  const pass = (ms: number, bodies = 0) => {
    clock.t += ms;
    if (bodies > 0) pace.stored(bodies);
  };
  /** A batch claiming `claimed` items that takes `ms`; its oldest item had waited `lagMs` at its end. */
  const batch = (claimed: number, { ms = 50, bodies = 0, lagMs = 100 } = {}) => {
    pace.beforeBatch();
    pass(ms, bodies);
    return pace.afterBatch({ claimed, batchSize: FULL, lagMs });
  };
  return { clock, pace, pass, batch };
}

describe('ProcessorPace', () => {
  describe('without a burst', () => {
    it('nothing claimed: waits for a nudge, even with a busy loop', () => {
      const { clock, batch } = paced();
      clock.utilization = 1;
      expect(batch(0, { bodies: 500 })).toEqual({ kind: 'idle' });
    });

    it('a partial batch waits for a nudge; a full one is followed by the next at once', () => {
      const { batch } = paced();
      expect(batch(10, { bodies: 10 })).toEqual({ kind: 'idle' });
      expect(batch(FULL)).toEqual({ kind: 'now' });
    });

    it('a trickle under the arrival rate, on a quiet loop, never rests', () => {
      const { batch, pass } = paced();
      for (let i = 0; i < 20; i++) {
        pass(1000, 300);
        expect(batch(300, { bodies: 5 })).toEqual({ kind: 'idle' });
      }
    });

    it('a saturated loop with no arrivals (the drain after a burst) claims at once', () => {
      const { clock, batch } = paced();
      clock.utilization = 1;
      expect(batch(FULL)).toEqual({ kind: 'now' });
    });
  });

  describe('a burst', () => {
    it('arrivals at the rate rest the processor; exactly at it counts', () => {
      const { batch } = paced();
      expect(batch(200, { ms: 200, bodies: 200 })).toEqual({ kind: 'rest', ms: 200 });
      const justUnder = paced();
      expect(justUnder.batch(200, { ms: 200, bodies: 199 })).toEqual({ kind: 'idle' });
    });

    it('arrivals on a busy loop rest the processor, even under the rate', () => {
      const { clock, batch } = paced();
      clock.utilization = 0.8;
      expect(batch(FULL, { bodies: 3 })).toEqual({ kind: 'rest', ms: 200 });
    });

    it('rests for the whole burst: one rest after another, no batch between, while bodies keep arriving', () => {
      const { pace, pass, batch } = paced();
      expect(batch(FULL, { bodies: 500 })).toEqual({ kind: 'rest', ms: 200 });
      for (let i = 0; i < 40; i++) {
        pass(200, 1600);
        expect(pace.isResting).toBe(true);
        expect(pace.afterRest()).toEqual({ kind: 'rest', ms: 200 });
      }
    });

    it('when the burst ends, the next look claims at once, and full batches follow until drained', () => {
      const { pace, pass, batch } = paced();
      batch(FULL, { bodies: 500 });
      pass(200, 1600);
      expect(pace.afterRest()).toEqual({ kind: 'rest', ms: 200 });
      pass(200, 20);
      expect(pace.afterRest()).toEqual({ kind: 'now' });
      expect(pace.isResting).toBe(false);
      expect(batch(FULL, { lagMs: 2000 })).toEqual({ kind: 'now' });
      expect(batch(FULL, { lagMs: 1500 })).toEqual({ kind: 'now' });
      expect(batch(40, { lagMs: 1200 })).toEqual({ kind: 'idle' });
    });

    it('with both tests off (rate 0, utilisation 1) it never rests', () => {
      const { clock, batch } = paced({ yieldArrivalsPerSecond: 0, yieldUtilization: 1 });
      clock.utilization = 1;
      expect(batch(FULL, { bodies: 100_000 })).toEqual({ kind: 'now' });
    });

    it('maxLag 0 never rests', () => {
      const { batch } = paced({ maxLagMs: 0 });
      expect(batch(FULL, { bodies: 100_000 })).toEqual({ kind: 'now' });
    });
  });

  describe('the lag bound', () => {
    /** Rests through a burst that never ends; returns when it stopped resting and what it answered. */
    function restThrough(pace: ProcessorPace, pass: (ms: number, bodies?: number) => void, clock: { t: number }) {
      const rests: number[] = [];
      for (;;) {
        const next = pace.afterRest();
        if (next.kind !== 'rest') return { at: clock.t, next, rests };
        rests.push(next.ms);
        pass(next.ms, 5000);
      }
    }

    it('after a partial batch: what arrives later is claimed before it has waited maxLag', () => {
      const { clock, pace, pass, batch } = paced();
      // The batch starts at t=0 and claims everything due then; what arrives later became due since.
      expect(batch(300, { ms: 100, bodies: 300 })).toEqual({ kind: 'rest', ms: 200 });
      pass(200, 5000);
      const { at, next } = restThrough(pace, pass, clock);
      expect(next).toEqual({ kind: 'now' });
      expect(at).toBe(30_000);
    });

    it('after a full batch: the oldest left unclaimed has waited at most the oldest claimed', () => {
      const { clock, pace, pass, batch } = paced();
      expect(batch(FULL, { ms: 100, bodies: 800, lagMs: 10_050 })).toEqual({ kind: 'rest', ms: 200 });
      // The oldest claimed had been due since t = 100 − 10,050: a batch must start by t = 20,050.
      pass(200, 5000);
      const { at, next, rests } = restThrough(pace, pass, clock);
      expect(next).toEqual({ kind: 'now' });
      expect(at).toBe(20_050);
      expect(Math.max(...rests)).toBe(200);
      expect(rests.at(-1)).toBe(150);
    });

    it('in a burst, a full batch whose oldest item waited maxLag is followed by the next at once; caught up, it rests again', () => {
      const { batch } = paced();
      expect(batch(FULL, { bodies: 5000, lagMs: 30_000 })).toEqual({ kind: 'now' });
      expect(batch(FULL, { bodies: 5000, lagMs: 45_000 })).toEqual({ kind: 'now' });
      // A partial batch claimed everything due: only what arrived during it waits now.
      expect(batch(40, { bodies: 5000, lagMs: 45_000 })).toEqual({ kind: 'rest', ms: 200 });
    });

    it('a rest never runs past the bound: the last one is cut to what is left of it', () => {
      const { batch } = paced();
      expect(batch(FULL, { bodies: 5000, lagMs: 29_950 })).toEqual({ kind: 'rest', ms: 50 });
    });
  });
});
