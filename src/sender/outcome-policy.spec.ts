import type { SendFailureClass } from '../whatsapp/send-errors.js';
import type { ApiGeneration } from '../whatsapp/types.js';
import {
  decideOutcome,
  type OutcomeDecision,
  type OutcomeSettings,
  type RecipientFate,
  type RequeueReason,
  retryLater,
  marketingMessagesPauseReason,
  unknownOutcome,
} from './outcome-policy.js';

const settings: OutcomeSettings = {
  maxAttempts: 3,
  onPremiseUnknownOutcome: 'mark_unknown',
  unknownOutcomeGraceSeconds: 600,
  marketingLimitMaxRetries: 2,
  templateFailurePauseAfter: 5,
};
const now = new Date('2026-03-01T10:00:00Z');
const DAY = 24 * 3_600_000;
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
    // 131055: the channel's marketing campaigns pause with a reason that says what to do; the attempt is given back.
    [
      'marketing_messages',
      1,
      'cloud',
      settings,
      {
        fate: requeue(0, true, 'campaign_paused'),
        effect: { kind: 'pause_marketing_campaigns', reason: marketingMessagesPauseReason('HTTP 400: 132015 Template paused'), otherwise: requeue(1500, false, 'retry') },
      },
    ],
  ])('%s after %i attempt(s) on %s (%o)', (failure, attempts, generation, policy, expected) => {
    expect(
      decideOutcome({ failure, description: 'HTTP 400: 132015 Template paused', attempts, marketingLimitRetries: 0, generation, now, validUntil: null, identicalFailures: 1 }, policy, half),
    ).toEqual(expected);
  });

  const pause = { kind: 'pause_campaign', reason: '360dialog refused the template: HTTP 400: 132000 params', otherwise: failed } as const;
  it.each<[string, SendFailureClass, number, Date | null, number, OutcomeDecision]>([
    // 131050: failed, and the contact is opted out of marketing.
    ['131050', 'marketing_opt_out', 1, null, 1, { fate: failed, effect: { kind: 'opt_out_marketing' } }],
    // 130472: failed, never retried, nothing else.
    ['130472', 'experiment', 1, null, 1, { fate: failed }],
    // 131049 (the number is its waits so far, not attempts): a day, then two days, then failed; never after validUntil.
    ['131049 first', 'marketing_limit', 0, null, 1, { fate: requeue(DAY, false, 'marketing_limit') }],
    ['131049 second', 'marketing_limit', 1, null, 1, { fate: requeue(2 * DAY, false, 'marketing_limit') }],
    ['131049 retries used up', 'marketing_limit', 2, null, 1, { fate: failed }],
    ['131049 past validUntil', 'marketing_limit', 0, new Date(now.getTime() + DAY - 1), 1, { fate: failed }],
    ['131049 within validUntil', 'marketing_limit', 1, new Date(now.getTime() + 3 * DAY), 1, { fate: requeue(2 * DAY, false, 'marketing_limit') }],
    // Template problems: the first four fail, the fifth fails and pauses, later ones wait for the resume.
    ['132000 first', 'template', 1, null, 1, { fate: failed }],
    ['132000 fourth', 'template', 1, null, 4, { fate: failed }],
    ['132000 fifth', 'template', 1, null, 5, { fate: failed, effect: pause }],
    ['132000 sixth', 'template', 1, null, 6, { fate: requeue(0, true, 'campaign_paused'), effect: pause }],
  ])('%s', (_label, failure, marketingLimitRetries, validUntil, identicalFailures, expected) => {
    // Attempts past SEND_MAX_ATTEMPTS: transient retries in between do not use up a 131049's budget.
    const send = { failure, description: 'HTTP 400: 132000 params', attempts: 9, marketingLimitRetries, generation: 'cloud' as const, now, validUntil, identicalFailures };
    expect(decideOutcome(send, settings, half)).toEqual(expected);
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

describe('a 401 after a key rotation', () => {
  const base = { description: 'HTTP 401: Invalid api key', attempts: 6, marketingLimitRetries: 0, generation: 'cloud' as const, now, validUntil: null, identicalFailures: 0 };

  it.each<[string, SendFailureClass, boolean, OutcomeDecision['fate'], boolean]>([
    ['the key changed meanwhile: sent again at once, attempt given back, channel not paused', 'channel', true, requeue(0, true, 'retry'), false],
    ['the same key: the channel pauses', 'channel', false, requeue(0, true, 'channel_paused'), true],
    ['a changed key does not excuse other failures', 'permanent', true, failed, false],
  ])('%s', (_, failure, keyChanged, fate, pauses) => {
    const decision = decideOutcome({ ...base, failure, keyChanged }, settings, half);
    expect(decision.fate).toEqual(fate);
    expect(decision.effect?.kind === 'pause_channel').toBe(pauses);
  });

  it('the 131055 reason names the ways out', () => {
    expect(marketingMessagesPauseReason('HTTP 400: 131055 not eligible')).toMatch(/accept Meta's Marketing Messages terms.*marketingMessagesFallback.*marketingMessagesApi/);
  });
});
