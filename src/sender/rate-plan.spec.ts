import { ratePlan } from './rate-plan.js';

describe('ratePlan', () => {
  it.each([
    [80, 1, { intervalMs: 103, perInterval: 8 }],
    [100, 1, { intervalMs: 103, perInterval: 10 }],
    [1000, 1, { intervalMs: 103, perInterval: 100 }],
    [5000, 1, { intervalMs: 103, perInterval: 500 }],
    [20, 1, { intervalMs: 103, perInterval: 2 }],
    [5, 1, { intervalMs: 206, perInterval: 1 }],
    [7, 1, { intervalMs: 1030, perInterval: 7 }],
    [1, 1, { intervalMs: 1030, perInterval: 1 }],
    [0.5, 1, { intervalMs: 2060, perInterval: 1 }],
    [15, 1, { intervalMs: 206, perInterval: 3 }],
  ])('%i mps × %p → %p', (mps, slowdown, plan) => {
    expect(ratePlan(mps, slowdown)).toEqual(plan);
  });

  it.each([1, 3, 7, 15, 80, 99, 100, 250, 1000, 3333])('plans %i mps with ≥ 3 % headroom yet ≥ 95 % of it from 80 up', (mps) => {
    const plan = ratePlan(mps);
    const planned = (plan.perInterval * 1000) / plan.intervalMs;
    expect(planned).toBeLessThanOrEqual(mps / 1.03 + 1e-9);
    if (mps >= 80 && mps % 10 === 0) expect(planned).toBeGreaterThanOrEqual(mps * 0.95);
  });

});
