/**
 * What to do with a failed send, per docs/whatsapp-api.md § Errors. Pure: the caller supplies the
 * parsed answer (either generation) and, for delays, the attempt number and a random source.
 */
export type SendFailureClass =
  /** Over the channel's throughput: slow the channel, re-queue without counting an attempt. */
  | 'throttled'
  /** Too many messages to this one user: retry this recipient later. */
  | 'pair_rate'
  /** 5xx, network, 131000/131016…: retry with capped exponential backoff, bounded attempts. */
  | 'transient'
  /** The request may have gone out but no answer came back. */
  | 'unknown_outcome'
  /** This recipient can never get this message. */
  | 'permanent'
  /** Something about this campaign (template paused, spam quality): pause the campaign. */
  | 'campaign'
  /** Something about the account (bad key, payment, policy): pause every campaign on the channel. */
  | 'channel';

export interface SendFailure {
  httpStatus: number | null;
  errorCode: number | null;
  errorTitle: string;
  details?: string;
  outcomeUnknown: boolean;
}

const THROTTLE_CODES = new Set([130429, 1015]);
const PAIR_RATE_CODES = new Set([131056]);
const TRANSIENT_CODES = new Set([131000, 131016, 1011, 1014, 1016, 2]);
const CAMPAIGN_CODES = new Set([131048, 471, 132015, 132016]);
const CHANNEL_CODES = new Set([131042, 402, 368, 131031, 190]);
const RATE_LIMIT_TEXT = /rate limit/i;
const PAYMENT_TEXT = /lack of payment|payment/i;

export function classifySendFailure(failure: SendFailure): SendFailureClass {
  const { httpStatus, errorCode } = failure;
  const text = `${failure.errorTitle} ${failure.details ?? ''}`;
  if (failure.outcomeUnknown) return 'unknown_outcome';
  if (httpStatus === 429 || (errorCode !== null && THROTTLE_CODES.has(errorCode))) return 'throttled';
  if (httpStatus === 400 && errorCode === null && RATE_LIMIT_TEXT.test(text)) return 'throttled';
  if (errorCode !== null && PAIR_RATE_CODES.has(errorCode)) return 'pair_rate';
  if (httpStatus === 401 || httpStatus === 403) return 'channel';
  if (errorCode !== null && CHANNEL_CODES.has(errorCode)) return 'channel';
  if (httpStatus === 400 && errorCode === null && PAYMENT_TEXT.test(text)) return 'channel';
  if (errorCode !== null && CAMPAIGN_CODES.has(errorCode)) return 'campaign';
  if (errorCode !== null && TRANSIENT_CODES.has(errorCode)) return 'transient';
  if (httpStatus === null || httpStatus >= 500 || httpStatus === 408) return 'transient';
  return 'permanent';
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const TRANSIENT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };
export const PAIR_RATE_DELAY_MS = 6_000;
export const THROTTLE_REQUEUE_MS = 1_000;

/** "Full jitter" capped exponential backoff: uniform in [base/2, min(cap, base·2^(attempt-1))]. */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, policy.baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

export function describeFailure(failure: SendFailure): string {
  const parts = [failure.errorCode !== null ? `${failure.errorCode}` : null, failure.errorTitle || null].filter(Boolean);
  const status = failure.httpStatus !== null ? `HTTP ${failure.httpStatus}` : 'no answer';
  return `${status}${parts.length ? `: ${parts.join(' ')}` : ''}${failure.details ? ` (${failure.details})` : ''}`;
}

/** Failures worth another try once their cause is gone (used by retry-failed). */
export const RETRYABLE_ERROR_CODES: readonly number[] = [
  ...THROTTLE_CODES,
  ...PAIR_RATE_CODES,
  ...TRANSIENT_CODES,
  ...CAMPAIGN_CODES,
  ...CHANNEL_CODES,
];
