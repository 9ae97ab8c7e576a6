import { claimSize, ratePlan } from './rate-plan.js';

describe('ratePlan', () => {
  it.each([
    [80, 1, { intervalMs: 105, perInterval: 8 }],
    [100, 1, { intervalMs: 105, perInterval: 10 }],
    [1000, 1, { intervalMs: 105, perInterval: 100 }],
    [5000, 1, { intervalMs: 105, perInterval: 500 }],
    [20, 1, { intervalMs: 105, perInterval: 2 }],
    [5, 1, { intervalMs: 210, perInterval: 1 }],
    [7, 1, { intervalMs: 1050, perInterval: 7 }],
    [1, 1, { intervalMs: 1050, perInterval: 1 }],
    [0.5, 1, { intervalMs: 2100, perInterval: 1 }],
    [15, 1, { intervalMs: 210, perInterval: 3 }],
  ])('%i mps × %p → %p', (mps, slowdown, plan) => {
    expect(ratePlan(mps, slowdown)).toEqual(plan);
  });

  it.each([1, 3, 7, 15, 80, 99, 100, 250, 1000, 3333])('plans %i mps with ≥ 5 % headroom yet ≥ 95 % of it from 80 up', (mps) => {
    const plan = ratePlan(mps);
    const planned = (plan.perInterval * 1000) / plan.intervalMs;
    expect(planned).toBeLessThanOrEqual(mps / 1.05 + 1e-9);
    if (mps >= 80 && mps % 10 === 0) expect(planned).toBeGreaterThanOrEqual(mps * 0.95);
  });
});

describe('claimSize', () => {
  it.each([
    [73, 10, 70],
    [100, 10, 100],
    [59, 10, 50],
    [10, 10, 10],
    [9, 10, 9],
    [5, 100, 5],
    [1, 1, 1],
    [0, 10, 0],
    [-3, 10, 0],
    [999, 500, 500],
  ])('room %i at %i per slot → claim %i', (room, perInterval, expected) => {
    expect(claimSize(room, perInterval)).toBe(expected);
  });
});
