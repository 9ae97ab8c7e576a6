import { describe, expect, it } from 'vitest';
import { WAITING_LABELS, waitingLabel, waitsForEvent } from './waiting';

describe('waiting reasons', () => {
  it.each([
    ['frequency_cap', 'Frequency cap reached'],
    ['ab_test', 'Held for the A/B test winner'],
    ['send_window', 'Outside the send window'],
    ['some_new_reason', 'some new reason'],
  ])('%s → %s', (reason, label) => expect(waitingLabel(reason)).toBe(label));

  it('has distinct words for every reason', () => {
    const labels = Object.values(WAITING_LABELS);
    expect(new Set(labels).size).toBe(labels.length);
    expect(Object.keys(WAITING_LABELS)).toHaveLength(11);
  });

  it.each([
    ['9999-12-31T00:00:00.000Z', true],
    ['2026-12-01T10:00:00.000Z', false],
    [null, false],
  ])('waitsForEvent(%s) = %s', (at, expected) => expect(waitsForEvent(at)).toBe(expected));
});
