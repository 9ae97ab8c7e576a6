import type { SendFailureClass } from '../whatsapp/send-errors.js';
import type { ApiGeneration } from '../whatsapp/types.js';
import {
  decideOutcome,
  type OutcomeDecision,
  type OutcomeSettings,
  type RecipientFate,
  type RequeueReason,
  retryLater,
  unknownOutcome,
} from './outcome-policy.js';

const settings: OutcomeSettings = { maxAttempts: 3, onPremiseUnknownOutcome: 'mark_unknown', unknownOutcomeGraceSeconds: 600 };
const resend: OutcomeSettings = { ...settings, onPremiseUnknownOutcome: 'resend' };
/** random() = 0.5: transient backoff of attempt n is uniform in [1 s, min(5 min, 2 s·2^(n-1))] → its middle. */
const half = () => 0.5;

const requeue = (delayMs: number, uncount: boolean, reason: RequeueReason): RecipientFate => ({ kind: 'requeue', delayMs, uncount, reason });
const failed: RecipientFate = { kind: 'failed' };

describe('outcome policy', () => {
  it.each<[SendFailureClass, number, ApiGeneration, OutcomeSettings, OutcomeDecision]>([
    // Throttling never counts an attempt, however many there were, and slows the channel down.
    ['throttled', 1, 'cloud', settings, { fate: requeue(1000, true, 'throttled'), effect: { kind: 'slow_channel' } }],
    ['throttled', 3, 'onpremise', settings, { fate: requeue(1000, true, 'throttled'), effect: { kind: 'slow_channel' } }],
    // Pair rate: 6 s plus up to 2 s of jitter, until the attempts are used up.
    ['pair_rate', 1, 'cloud', settings, { fate: requeue(7000, false, 'pair_rate_limit') }],
    ['pair_rate', 2, 'cloud', settings, { fate: requeue(7000, false, 'pair_rate_limit') }],
    ['pair_rate', 3, 'cloud', settings, { fate: failed }],
    // Transient: capped exponential backoff, until the attempts are used up.
    ['transient', 1, 'cloud', settings, { fate: requeue(1500, false, 'retry') }],
    ['transient', 2, 'onpremise', settings, { fate: requeue(2500, false, 'retry') }],
    ['transient', 3, 'cloud', settings, { fate: failed }],
    ['transient', 4, 'cloud', settings, { fate: failed }],
    // The call may have gone out: Cloud waits the grace for a status webhook; On-Premise follows its policy.
    ['unknown_outcome', 1, 'cloud', settings, { fate: requeue(600_000, false, 'unknown_outcome') }],
    ['unknown_outcome', 3, 'cloud', settings, { fate: requeue(600_000, false, 'unknown_outcome') }],
    ['unknown_outcome', 1, 'onpremise', settings, { fate: { kind: 'unknown' } }],
    ['unknown_outcome', 1, 'onpremise', resend, { fate: requeue(0, false, 'unknown_outcome') }],
    ['permanent', 1, 'cloud', settings, { fate: failed }],
    // Pauses give the attempt back; if the pause cannot be written the recipient is retried later, counted.
    [
      'campaign',
      1,
      'cloud',
      settings,
      {
        fate: requeue(0, true, 'campaign_paused'),
        effect: { kind: 'pause_campaign', reason: '360dialog refused the template: HTTP 400: 132015 Template paused', otherwise: requeue(1500, false, 'retry') },
      },
    ],
    [
      'channel',
      2,
      'onpremise',
      settings,
      {
        fate: requeue(0, true, 'channel_paused'),
        effect: { kind: 'pause_channel', reason: 'channel unusable: HTTP 400: 132015 Template paused', otherwise: requeue(2500, false, 'retry') },
      },
    ],
  ])('%s after %i attempt(s) on %s (%o)', (failure, attempts, generation, policy, expected) => {
    expect(decideOutcome({ failure, description: 'HTTP 400: 132015 Template paused', attempts, generation }, policy, half)).toEqual(expected);
  });

  it.each([
    [0, 1, 1000],
    [0.999_999, 1, 2000],
    [0, 5, 1000],
    [1, 5, 32_000],
    [1, 20, 300_000],
  ])('retryLater with random %p after %i attempt(s) waits %i ms', (random, attempts, delayMs) => {
    expect(retryLater(attempts, () => random)).toEqual(requeue(delayMs, false, 'retry'));
  });

  it.each<[ApiGeneration, OutcomeSettings, RecipientFate]>([
    ['cloud', settings, requeue(600_000, false, 'unknown_outcome')],
    ['cloud', { ...settings, unknownOutcomeGraceSeconds: 0 }, requeue(0, false, 'unknown_outcome')],
    ['cloud', resend, requeue(600_000, false, 'unknown_outcome')],
    ['onpremise', settings, { kind: 'unknown' }],
    ['onpremise', resend, requeue(0, false, 'unknown_outcome')],
  ])('an unknown outcome on %s with %o', (generation, policy, fate) => {
    expect(unknownOutcome(generation, policy)).toEqual(fate);
  });
});
