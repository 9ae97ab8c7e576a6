import { type NextBatch, nextBatch, type PaceInput, type PaceSettings } from './processor-pace.js';

const settings: PaceSettings = { yieldUtilization: 0.8, yieldMs: 200, maxLagMs: 30_000 };
const base: PaceInput = { claimed: 500, batchSize: 1000, eventLoopUtilization: 0.3, bodiesArrived: true, lagMs: 100 };

describe('nextBatch', () => {
  it.each<[string, Partial<PaceInput>, NextBatch]>([
    ['nothing claimed: wait for a nudge', { claimed: 0 }, { kind: 'idle' }],
    ['nothing claimed, even under load', { claimed: 0, eventLoopUtilization: 1 }, { kind: 'idle' }],
    ['partial batch, quiet loop: wait for a nudge', {}, { kind: 'idle' }],
    ['full batch, quiet loop: at once (behind)', { claimed: 1000 }, { kind: 'now' }],
    ['partial batch, saturated loop, bodies arriving: rest', { eventLoopUtilization: 0.95 }, { kind: 'rest', ms: 200 }],
    ['full batch, saturated loop, bodies arriving: rest', { claimed: 1000, eventLoopUtilization: 0.95 }, { kind: 'rest', ms: 200 }],
    ['exactly at the utilisation threshold: rest', { eventLoopUtilization: 0.8 }, { kind: 'rest', ms: 200 }],
    ['just under the threshold: no rest', { eventLoopUtilization: 0.79 }, { kind: 'idle' }],
    ['saturated but no arrivals (a drain after the burst): at once', { claimed: 1000, eventLoopUtilization: 0.95, bodiesArrived: false }, { kind: 'now' }],
    ['saturated, no arrivals, partial batch: idle', { eventLoopUtilization: 0.95, bodiesArrived: false }, { kind: 'idle' }],
    ['saturated but the oldest waited maxLag: at once', { claimed: 1000, eventLoopUtilization: 0.95, lagMs: 30_000 }, { kind: 'now' }],
    ['saturated, oldest just under maxLag: rest', { claimed: 1000, eventLoopUtilization: 0.95, lagMs: 29_999 }, { kind: 'rest', ms: 200 }],
    ['saturated, over maxLag, partial batch: idle (caught up)', { eventLoopUtilization: 0.95, lagMs: 45_000 }, { kind: 'idle' }],
  ])('%s', (_name, input, expected) => {
    expect(nextBatch({ ...base, ...input }, settings)).toEqual(expected);
  });

  it('never yields with yieldUtilization 1 (off), even at full utilisation', () => {
    expect(nextBatch({ ...base, claimed: 1000, eventLoopUtilization: 1 }, { ...settings, yieldUtilization: 1 })).toEqual({ kind: 'now' });
  });
});
