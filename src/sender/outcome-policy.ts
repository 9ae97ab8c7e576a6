/**
 * What a failed send leads to, decided without I/O: the caller classifies the answer
 * (whatsapp/send-errors.ts), passes the recipient's attempts, the channel's API generation, the
 * settings and a random source, and carries out the decision.
 */
import type { ApiGeneration } from '../whatsapp/types.js';
import {
  PAIR_RATE_DELAY_MS,
  retryDelayMs,
  type SendFailureClass,
  THROTTLE_REQUEUE_MS,
  TRANSIENT_BACKOFF,
} from '../whatsapp/send-errors.js';

export interface OutcomeSettings {
  /** SEND_MAX_ATTEMPTS */
  maxAttempts: number;
  /** ONPREMISE_UNKNOWN_OUTCOME_POLICY */
  onPremiseUnknownOutcome: 'mark_unknown' | 'resend';
  /** UNKNOWN_OUTCOME_GRACE_SECONDS */
  unknownOutcomeGraceSeconds: number;
}

/** The waiting_reason a re-queued recipient shows until its next claim. */
export type RequeueReason = 'retry' | 'throttled' | 'pair_rate_limit' | 'unknown_outcome' | 'campaign_paused' | 'channel_paused';

/** What becomes of the recipient. */
export type RecipientFate =
  | { kind: 'requeue'; delayMs: number; uncount: boolean; reason: RequeueReason }
  | { kind: 'failed' }
  | { kind: 'unknown' };

/** What the failure calls for beyond the recipient. */
export type FailureEffect =
  | { kind: 'slow_channel' }
  /** `otherwise`: the recipient's fate when the pause could not be written. */
  | { kind: 'pause_campaign'; reason: string; otherwise: RecipientFate }
  | { kind: 'pause_channel'; reason: string; otherwise: RecipientFate };

export interface OutcomeDecision {
  fate: RecipientFate;
  effect?: FailureEffect;
}

export interface FailedSend {
  failure: SendFailureClass;
  /** describeFailure() of the answer: goes into a pause reason. */
  description: string;
  /** Attempts so far, the one that just failed included. */
  attempts: number;
  generation: ApiGeneration;
}

/** Refused (nothing went out), and what the refusal calls for could not be done: try again after a backoff. */
export function retryLater(attempts: number, random: () => number): RecipientFate {
  return { kind: 'requeue', delayMs: retryDelayMs(attempts, TRANSIENT_BACKOFF, random), uncount: false, reason: 'retry' };
}

/** The call may have gone out: Cloud waits for a status webhook before resending; On-Premise follows its policy. */
export function unknownOutcome(generation: ApiGeneration, settings: OutcomeSettings): RecipientFate {
  if (generation === 'cloud') {
    // A status webhook carrying r:<id> may still reveal that it went out; wait before resending.
    return { kind: 'requeue', delayMs: settings.unknownOutcomeGraceSeconds * 1000, uncount: false, reason: 'unknown_outcome' };
  }
  if (settings.onPremiseUnknownOutcome === 'resend') return { kind: 'requeue', delayMs: 0, uncount: false, reason: 'unknown_outcome' };
  return { kind: 'unknown' };
}

export function decideOutcome(send: FailedSend, settings: OutcomeSettings, random: () => number): OutcomeDecision {
  const exhausted = send.attempts >= settings.maxAttempts;
  switch (send.failure) {
    case 'throttled':
      return { fate: { kind: 'requeue', delayMs: THROTTLE_REQUEUE_MS, uncount: true, reason: 'throttled' }, effect: { kind: 'slow_channel' } };
    case 'pair_rate':
      return {
        fate: exhausted ? { kind: 'failed' } : { kind: 'requeue', delayMs: PAIR_RATE_DELAY_MS + random() * 2000, uncount: false, reason: 'pair_rate_limit' },
      };
    case 'transient':
      return { fate: exhausted ? { kind: 'failed' } : retryLater(send.attempts, random) };
    case 'unknown_outcome':
      return { fate: unknownOutcome(send.generation, settings) };
    case 'permanent':
      return { fate: { kind: 'failed' } };
    case 'campaign':
      // Not paused: retry later rather than at once (the retry tries to pause again if it is refused again).
      return {
        fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'campaign_paused' },
        effect: { kind: 'pause_campaign', reason: `360dialog refused the template: ${send.description}`, otherwise: retryLater(send.attempts, random) },
      };
    case 'channel':
      return {
        fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'channel_paused' },
        effect: { kind: 'pause_channel', reason: `channel unusable: ${send.description}`, otherwise: retryLater(send.attempts, random) },
      };
  }
}
