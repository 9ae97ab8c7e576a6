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
  /** 131049: Meta's per-user marketing limit. Not final: try again after a day (then two), bounded. */
  | 'marketing_limit'
  /** 131050: the person stopped marketing messages from this business: fail, and opt them out of marketing. */
  | 'marketing_opt_out'
  /** 130472: the person is in a Meta experiment: fail, never retry, not held against the contact. */
  | 'experiment'
  /** 132000/132001/132005/132012: a template or parameter problem: fail; after a few identical ones, pause the campaign. */
  | 'template'
  /** Something about this campaign (template paused, spam quality): pause the campaign. */
  | 'campaign'
  /** Something about the account (bad key, payment, policy): pause every campaign on the channel. */
  | 'channel'
  /** 131055: the Marketing Messages API refused (template not MARKETING, or terms not accepted): pause the channel's marketing campaigns. */
  | 'marketing_messages';

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
export const MARKETING_LIMIT_CODE = 131049;
export const MARKETING_OPT_OUT_CODE = 131050;
export const EXPERIMENT_CODE = 130472;
/** 131055: not eligible for the Marketing Messages API (template not MARKETING, or the portfolio has not accepted the terms). */
export const MARKETING_MESSAGES_INELIGIBLE_CODE = 131055;
const TEMPLATE_CODES = new Set([132000, 132001, 132005, 132012]);
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
  if (errorCode === MARKETING_MESSAGES_INELIGIBLE_CODE) return 'marketing_messages';
  if (errorCode !== null && TRANSIENT_CODES.has(errorCode)) return 'transient';
  const recipientClass = errorCode === null ? null : classifyRecipientError(errorCode);
  if (recipientClass) return recipientClass;
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

/**
 * The error codes that mean something about this recipient (or this message) beyond "failed", whether
 * they come in the send answer or on a failed status webhook; null for the others (a failed status then
 * simply fails the recipient).
 */
/**
 * The pause reason of a 131055 (from the send answer or a failed status webhook): what happened, and
 * the three ways out.
 */
export function marketingMessagesPauseReason(description: string): string {
  return (
    `the Marketing Messages API refused to send (${description}): accept Meta's Marketing Messages terms for the WhatsApp Business Account ` +
    '(360dialog hub or Meta Business Manager) and check that the template is MARKETING, then resume the campaign; ' +
    'or set "marketingMessagesFallback": true on the channel to send through /messages, or "marketingMessagesApi": false'
  );
}

export function classifyRecipientError(code: number): 'marketing_limit' | 'marketing_opt_out' | 'experiment' | 'template' | null {
  if (code === MARKETING_LIMIT_CODE) return 'marketing_limit';
  if (code === MARKETING_OPT_OUT_CODE) return 'marketing_opt_out';
  if (code === EXPERIMENT_CODE) return 'experiment';
  if (TEMPLATE_CODES.has(code)) return 'template';
  return null;
}

/** 131049: the first retry waits a day, each later one twice as long as the one before (24 h, 48 h, …). */
export const MARKETING_LIMIT_FIRST_DELAY_MS = 24 * 60 * 60_000;

export interface MarketingLimitHit {
  /** How often a 131049 has already sent this recipient back to wait (campaign_recipients.marketing_limit_retries). */
  retriesSoFar: number;
  /** MARKETING_LIMIT_MAX_RETRIES */
  maxRetries: number;
  /** When WhatsApp refused it (the send answer, or the failed status). */
  at: Date;
  /** The campaign's validUntil: no message goes out after it. */
  validUntil: Date | null;
}

/**
 * When to try a recipient again after a 131049, or null when it ends failed: its retries are used up,
 * or the next try would fall after the campaign's validUntil. Counted apart from attempts, so transient
 * retries in between neither use up nor shift the 24 h / 48 h waits.
 */
export function marketingLimitRetryAt(hit: MarketingLimitHit): Date | null {
  const retriesSoFar = Math.max(0, hit.retriesSoFar);
  if (retriesSoFar >= hit.maxRetries) return null;
  const next = new Date(hit.at.getTime() + MARKETING_LIMIT_FIRST_DELAY_MS * 2 ** retriesSoFar);
  if (hit.validUntil && next.getTime() > hit.validUntil.getTime()) return null;
  return next;
}

/**
 * Failures worth another try once their cause is gone (used by retry-failed). 131049 is among them
 * (Meta: try again after a day); so is 131055 once the Marketing Messages terms are accepted or the
 * channel's fallback is on (it reaches a recipient only from a status webhook: the send answer's 131055
 * never fails anyone). 130472 (experiment) and 131050 (stopped marketing) are not.
 */
export const RETRYABLE_ERROR_CODES: readonly number[] = [
  MARKETING_LIMIT_CODE,
  MARKETING_MESSAGES_INELIGIBLE_CODE,
  ...THROTTLE_CODES,
  ...PAIR_RATE_CODES,
  ...TRANSIENT_CODES,
  ...CAMPAIGN_CODES,
  ...CHANNEL_CODES,
];
