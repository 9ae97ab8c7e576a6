/**
 * What the scheduler does when launching a due campaign throws. Pure: the caller passes the error and
 * how many launches of this campaign failed before.
 * - A passing database condition (connection lost, deadlock, serialisation, resources, shutdown,
 *   lock timeout; a network error) is retried after a capped exponential backoff, a bounded number
 *   of times: meanwhile other due campaigns launch.
 * - Anything else (a template that no longer renders, a constraint, a bad value) would fail the same
 *   way every time: the campaign becomes `failed` with the error as its reason, shown by GET and the report.
 */
import { errorMessage } from '../common/errors.js';

export type LaunchFailureAction = { action: 'retry'; delayMs: number } | { action: 'fail'; reason: string };

export const LAUNCH_MAX_FAILURES = 8;
const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

/** SQLSTATE classes (first two characters) and codes of conditions that pass on their own. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_SQLSTATES = new Set(['55P03']);
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = /connection terminated|connection timeout|timeout exceeded when trying to connect|terminating connection/i;

export function isTransientLaunchError(error: unknown): boolean {
  const codes = [codeOf(error), codeOf((error as { driverError?: unknown } | null)?.driverError)].filter((code): code is string => code !== null);
  for (const code of codes) {
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
  }
  return TRANSIENT_MESSAGES.test(errorMessage(error));
}

export function launchFailure(error: unknown, failuresBefore: number): LaunchFailureAction {
  const message = errorMessage(error);
  if (!isTransientLaunchError(error)) return { action: 'fail', reason: `the campaign could not be launched: ${message}` };
  const failures = failuresBefore + 1;
  if (failures >= LAUNCH_MAX_FAILURES) {
    return { action: 'fail', reason: `the campaign could not be launched (${failures} attempts): ${message}` };
  }
  return { action: 'retry', delayMs: Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** failuresBefore) };
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
