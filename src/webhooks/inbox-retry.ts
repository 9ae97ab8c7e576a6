/**
 * Retry rules for inbox items (pure).
 *
 * Unknown message ids: a status may arrive before the sender stored the message id, so the event stays
 * in the inbox and is retried with backoff (1 s, 2 s, 4 s … capped at 60 s) until
 * WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS after it was received; one last attempt runs at that deadline,
 * then it is parked with the reason.
 *
 * Processing errors: classified by classifyProcessingError. Only an error of the item itself (data,
 * integrity, a mapper exception) is retried with the same backoff and parked after MAX_ERROR_ATTEMPTS,
 * so it can never block the inbox; a transient or system error never consumes an attempt.
 */
export const MAX_ERROR_ATTEMPTS = 8;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

/** Delay before the next attempt, given the number of attempts made so far (≥ 1). */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(BASE_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

export type RetryDecision = { action: 'retry'; nextAttemptAt: Date } | { action: 'park' };

export function unknownMessageDecision(input: {
  receivedAt: Date;
  attempts: number;
  now: Date;
  retrySeconds: number;
}): RetryDecision {
  const deadline = input.receivedAt.getTime() + input.retrySeconds * 1000;
  if (input.now.getTime() >= deadline) return { action: 'park' };
  const next = Math.min(input.now.getTime() + retryDelayMs(input.attempts), deadline);
  return { action: 'retry', nextAttemptAt: new Date(next) };
}

export function processingErrorDecision(input: { attempts: number; now: Date }): RetryDecision {
  if (input.attempts >= MAX_ERROR_ATTEMPTS) return { action: 'park' };
  return { action: 'retry', nextAttemptAt: new Date(input.now.getTime() + retryDelayMs(input.attempts)) };
}

/**
 * Why processing an inbox item (or a batch of them) failed, which decides what its failure costs:
 * - `transient`: the database could not do it right now (SQLSTATE classes 40 transaction rollback —
 *   serialization failure, deadlock —, 08 connection, 53 insufficient resources, 57 operator
 *   intervention incl. 57014 statement timeout/cancel, 55P03 lock timeout; or a connection that
 *   dropped or could not be had, which carries no SQLSTATE). Retried later without consuming an
 *   attempt: an acknowledged event is never parked because the database had a bad moment.
 * - `item`: the item itself is refused (class 22 data exception, 23 integrity violation, 54 program
 *   limit exceeded) or our code threw on it (a mapper exception: any error that is not from the
 *   database). Counts toward MAX_ERROR_ATTEMPTS, then the item is parked.
 * - `system`: any other database error (undefined table or column, internal error, …). Not the
 *   item's fault and not known to pass by itself: retried without consuming an attempt, so the
 *   inbox waits for the fix instead of parking every event.
 */
export type ProcessingErrorKind = 'transient' | 'item' | 'system';

const TRANSIENT_CLASSES = ['40', '08', '53', '57'];
const TRANSIENT_CODES = ['55P03'];
const ITEM_CLASSES = ['22', '23', '54'];
/** Node / pg / TypeORM errors of a connection that is gone or cannot be had (no SQLSTATE). */
const CONNECTION_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
const CONNECTION_MESSAGES = /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|not queryable|cannot use a pool after calling end|connection is not established|the server closed the connection/i;
const CONNECTION_NAMES = ['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'QueryRunnerAlreadyReleasedError'];

/** The SQLSTATE of a pg / TypeORM error (TypeORM's QueryFailedError copies it, and keeps driverError). */
export function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const candidates = [(error as { code?: unknown }).code, (error as { driverError?: { code?: unknown } }).driverError?.code];
  for (const code of candidates) if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return null;
}

export function classifyProcessingError(error: unknown): ProcessingErrorKind {
  const state = sqlState(error);
  if (state !== null) {
    const errorClass = state.slice(0, 2);
    if (TRANSIENT_CLASSES.includes(errorClass) || TRANSIENT_CODES.includes(state)) return 'transient';
    if (ITEM_CLASSES.includes(errorClass)) return 'item';
    return 'system';
  }
  if (typeof error === 'object' && error !== null) {
    const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && CONNECTION_CODES.includes(code)) return 'transient';
    if (typeof name === 'string' && CONNECTION_NAMES.includes(name)) return 'transient';
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return 'transient';
  }
  return 'item';
}

/** Whether the connection itself is gone: the one-by-one fallback stops instead of failing every item. */
export function isConnectionLoss(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== null) return state.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(state);
  return classifyProcessingError(error) === 'transient';
}

const MIN_TRANSIENT_DELAY_MS = 1000;

/**
 * Delay before an item whose processing failed for a reason that is not its own (transient or
 * system) is tried again. No attempt is consumed, so the delay grows with the item's age instead:
 * half its age, between 1 s and 60 s — a few quick retries, then once a minute until it passes.
 */
export function uncountedRetryDelayMs(ageMs: number): number {
  return Math.min(MAX_DELAY_MS, Math.max(MIN_TRANSIENT_DELAY_MS, Math.floor(Math.max(0, ageMs) / 2)));
}
