/**
 * What a failed send leads to, decided without I/O: the caller classifies the answer
 * (whatsapp/send-errors.ts), passes the recipient's attempts, the channel's API generation, the
 * settings and a random source, and carries out the decision.
 */
import type { ApiGeneration } from '../whatsapp/types.js';
import {
  marketingLimitRetryAt,
  marketingMessagesPauseReason,
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
  /** MARKETING_LIMIT_MAX_RETRIES (131049) */
  marketingLimitMaxRetries: number;
  /** TEMPLATE_FAILURE_PAUSE_AFTER: identical template failures (132000…) in a campaign before it pauses. */
  templateFailurePauseAfter: number;
}

/** The waiting_reason a re-queued recipient shows until its next claim. */
export type RequeueReason = 'retry' | 'throttled' | 'pair_rate_limit' | 'unknown_outcome' | 'campaign_paused' | 'channel_paused' | 'marketing_limit';

/** What becomes of the recipient. */
export type RecipientFate =
  | { kind: 'requeue'; delayMs: number; uncount: boolean; reason: RequeueReason }
  | { kind: 'failed' }
  | { kind: 'unknown' };

/** What the failure calls for beyond the recipient. */
export type FailureEffect =
  | { kind: 'slow_channel' }
  /** 131050: the contact is opted out of marketing (the recipient fails either way). */
  | { kind: 'opt_out_marketing' }
  /** `otherwise`: the recipient's fate when the pause could not be written. */
  | { kind: 'pause_campaign'; reason: string; otherwise: RecipientFate }
  | { kind: 'pause_channel'; reason: string; otherwise: RecipientFate }
  /** 131055: the channel's campaigns with MARKETING templates (this one included) pause. */
  | { kind: 'pause_marketing_campaigns'; reason: string; otherwise: RecipientFate };

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
  /** 131049 waits so far (apart from attempts). */
  marketingLimitRetries: number;
  generation: ApiGeneration;
  /** When the answer came (131049 waits from then). */
  now: Date;
  /** The campaign's validUntil (131049: no retry after it). */
  validUntil: Date | null;
  /** Template failures (class `template`) with this code in this campaign so far, this one included. */
  identicalFailures: number;
  /**
   * The channel's stored API key is no longer the one this send used (a rotation switched it meanwhile):
   * a 401 then says nothing about the channel, and nothing went out.
   */
  keyChanged?: boolean;
}

/** The pause reason of a 131055 (whatsapp/send-errors.ts: the status webhook's policy gives the same). */
export { marketingMessagesPauseReason };

/** Refused (nothing went out), and what the refusal calls for could not be done: try again after a backoff. */
export function retryLater(attempts: number, random: () => number): RecipientFate {
  return { kind: 'requeue', delayMs: retryDelayMs(attempts, TRANSIENT_BACKOFF, random), uncount: false, reason: 'retry' };
}

/** The call may have gone out: Cloud waits for a status webhook before resending; On-Premise follows its policy. */
export function unknownOutcome(generation: ApiGeneration, settings: OutcomeSettings): RecipientFate {
  if (generation === 'cloud') {
    // A status webhook carrying r:<id> may still reveal that it went out; wait before resending. After the
    // grace, the claim resends it only once the channel's webhooks are seen flowing past it, or after
    // UNKNOWN_OUTCOME_MAX_WAIT_SECONDS (campaigns/unknown-outcome.ts).
    return { kind: 'requeue', delayMs: settings.unknownOutcomeGraceSeconds * 1000, uncount: false, reason: 'unknown_outcome' };
  }
  if (settings.onPremiseUnknownOutcome === 'resend') return { kind: 'requeue', delayMs: 0, uncount: false, reason: 'unknown_outcome' };
  return { kind: 'unknown' };
}

export function decideOutcome(send: FailedSend, settings: OutcomeSettings, random: () => number): OutcomeDecision {
  const exhausted = send.attempts >= settings.maxAttempts;
  // After a key rotation, a send still holding the previous key is refused with 401: send it again with the new one.
  if (send.failure === 'channel' && send.keyChanged) return { fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'retry' } };
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
    case 'experiment': // 130472: not charged, not the contact's fault; a retry would meet the same experiment
      return { fate: { kind: 'failed' } };
    case 'marketing_opt_out':
      return { fate: { kind: 'failed' }, effect: { kind: 'opt_out_marketing' } };
    case 'marketing_limit': {
      const retryAt = marketingLimitRetryAt({ retriesSoFar: send.marketingLimitRetries, maxRetries: settings.marketingLimitMaxRetries, at: send.now, validUntil: send.validUntil });
      return { fate: retryAt ? { kind: 'requeue', delayMs: retryAt.getTime() - send.now.getTime(), uncount: false, reason: 'marketing_limit' } : { kind: 'failed' } };
    }
    case 'template': {
      // The first few fail like any permanent error; the Nth pauses the campaign; later ones (in flight, or after a
      // resume without a fix) wait for the next resume instead of failing every recipient.
      if (send.identicalFailures < settings.templateFailurePauseAfter) return { fate: { kind: 'failed' } };
      const pause = { kind: 'pause_campaign' as const, reason: `360dialog refused the template: ${send.description}`, otherwise: { kind: 'failed' as const } };
      if (send.identicalFailures === settings.templateFailurePauseAfter) return { fate: { kind: 'failed' }, effect: pause };
      return { fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'campaign_paused' }, effect: pause };
    }
    case 'campaign':
      // Not paused: retry later rather than at once (the retry tries to pause again if it is refused again).
      return {
        fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'campaign_paused' },
        effect: { kind: 'pause_campaign', reason: `360dialog refused the template: ${send.description}`, otherwise: retryLater(send.attempts, random) },
      };
    case 'marketing_messages':
      return {
        fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'campaign_paused' },
        effect: { kind: 'pause_marketing_campaigns', reason: marketingMessagesPauseReason(send.description), otherwise: retryLater(send.attempts, random) },
      };
    case 'channel':
      return {
        fate: { kind: 'requeue', delayMs: 0, uncount: true, reason: 'channel_paused' },
        effect: { kind: 'pause_channel', reason: `channel unusable: ${send.description}`, otherwise: retryLater(send.attempts, random) },
      };
  }
}
