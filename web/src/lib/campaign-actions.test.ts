import { describe, expect, it } from 'vitest';
import { allowedActions, isLive } from './campaign-actions';

describe('allowedActions', () => {
  it.each([
    ['draft', 0, ['cancel']],
    ['scheduled', 0, ['pause', 'cancel']],
    ['running', 3, ['pause', 'cancel', 'retry-failed']],
    ['running', 0, ['pause', 'cancel']],
    ['paused', 0, ['resume', 'cancel']],
    ['completed', 2, ['retry-failed']],
    ['completed', 0, []],
    ['cancelled', 5, []],
    ['failed', 5, []],
  ])('%s with %s failed → %j', (status, failed, expected) => expect(allowedActions(status, failed)).toEqual(expected));

  it.each([
    ['running', true],
    ['completed', false],
    ['draft', false],
  ])('isLive(%s) = %s', (status, live) => expect(isLive(status)).toBe(live));
});
