import { classifyRecipientError, classifySendFailure, marketingLimitRetryAt, RETRYABLE_ERROR_CODES, retryDelayMs, type SendFailure, type SendFailureClass, TRANSIENT_BACKOFF } from './send-errors.js';

const failure = (httpStatus: number | null, errorCode: number | null, errorTitle = '', outcomeUnknown = false): SendFailure => ({
  httpStatus,
  errorCode,
  errorTitle,
  outcomeUnknown,
});

describe('classifySendFailure', () => {
  it.each<[string, SendFailure, SendFailureClass]>([
    ['Cloud throughput 130429', failure(400, 130429, 'Rate limit hit'), 'throttled'],
    ['On-Premise HTTP 429', failure(429, null, 'Too Many Requests'), 'throttled'],
    ['360dialog proxy 400 text', failure(400, null, 'You have exceeded the endpoint rate limit'), 'throttled'],
    ['On-Premise 1015', failure(400, 1015, 'Too many requests'), 'throttled'],
    ['pair rate 131056', failure(400, 131056, 'Pair rate limit hit'), 'pair_rate'],
    ['131000 something went wrong', failure(500, 131000, 'Something went wrong'), 'transient'],
    ['131016 service unavailable', failure(503, 131016, 'Service unavailable'), 'transient'],
    ['On-Premise 1011', failure(400, 1011, 'Service not ready'), 'transient'],
    ['plain 502', failure(502, null, 'Bad Gateway'), 'transient'],
    ['connection refused', failure(null, null, 'ECONNREFUSED'), 'transient'],
    ['timeout after the request went out', failure(null, null, 'timeout', true), 'unknown_outcome'],
    ['131026 undeliverable', failure(400, 131026, 'Message undeliverable'), 'permanent'],
    ['1013 invalid user', failure(400, 1013, 'User is not valid'), 'permanent'],
    ['131021 sender = recipient', failure(400, 131021, 'Recipient cannot be sender'), 'permanent'],
    ['131049 marketing limit', failure(400, 131049, 'Not delivered to maintain ecosystem'), 'marketing_limit'],
    ['131050 stopped marketing', failure(400, 131050, 'Unable to deliver: user stopped marketing messages'), 'marketing_opt_out'],
    ['130472 experiment', failure(400, 130472, "User's number is part of an experiment"), 'experiment'],
    ['131055 not eligible for the Marketing Messages API', failure(400, 131055, 'Marketing Messages API: not eligible'), 'marketing_messages'],
    ['132000 parameter count', failure(400, 132000, 'Number of parameters does not match'), 'template'],
    ['132001 template missing', failure(404, 132001, 'Template name does not exist'), 'template'],
    ['132005 translated text too long', failure(400, 132005, 'Translated text too long'), 'template'],
    ['132012 parameter format', failure(400, 132012, 'Parameter format does not match'), 'template'],
    ['132007 format policy', failure(400, 132007, 'Template format character policy violated'), 'permanent'],
    ['On-Premise 2001', failure(400, 2001, 'Template missing'), 'permanent'],
    ['132015 template paused', failure(400, 132015, 'Template is paused'), 'campaign'],
    ['132016 template disabled', failure(400, 132016, 'Template is disabled'), 'campaign'],
    ['131048 spam rate limit', failure(400, 131048, 'Spam rate limit hit'), 'campaign'],
    ['On-Premise 471 spam', failure(400, 471, 'Spam rate limit'), 'campaign'],
    ['HTTP 401 bad key', failure(401, null, 'Invalid API key'), 'channel'],
    ['131042 payment', failure(400, 131042, 'Business eligibility payment issue'), 'channel'],
    ['On-Premise 402 payment', failure(400, 402, 'Business eligibility'), 'channel'],
    ['360dialog lack of payment', failure(400, null, 'lack of payment'), 'channel'],
    ['368 policy', failure(400, 368, 'Temporarily blocked for policies violations'), 'channel'],
    ['131031 account locked', failure(400, 131031, 'Account has been locked'), 'channel'],
  ])('%s → %s', (_label, input, expected) => {
    expect(classifySendFailure(input)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 0, 1_000],
    [1, 1, 2_000],
    [2, 1, 4_000],
    [3, 1, 8_000],
    [10, 1, 300_000],
    [30, 0.5, 150_500],
  ])('attempt %i with random %p → %i ms', (attempt, random, expected) => {
    expect(retryDelayMs(attempt, TRANSIENT_BACKOFF, () => random)).toBe(expected);
  });

  it('never exceeds the cap and never goes below half the base', () => {
    for (let attempt = 1; attempt < 40; attempt += 1) {
      for (const random of [0, 0.3, 0.999]) {
        const delay = retryDelayMs(attempt, TRANSIENT_BACKOFF, () => random);
        expect(delay).toBeGreaterThanOrEqual(1_000);
        expect(delay).toBeLessThanOrEqual(300_000);
      }
    }
  });
});

describe('errors about the recipient (send answer or failed status)', () => {
  it.each([
    [131049, 'marketing_limit'],
    [131050, 'marketing_opt_out'],
    [130472, 'experiment'],
    [132000, 'template'],
    [132001, 'template'],
    [132005, 'template'],
    [132012, 'template'],
    [131026, null],
    [131000, null],
    [0, null],
  ])('%i → %s', (code, expected) => {
    expect(classifyRecipientError(code)).toBe(expected);
  });

  it.each([
    [131049, true],
    [131050, false],
    [131055, true],
    [130472, false],
    [131026, false],
    [131000, true],
  ])('retry-failed takes %i again: %s', (code, retryable) => {
    expect(RETRYABLE_ERROR_CODES.includes(code)).toBe(retryable);
  });
});

describe('marketingLimitRetryAt (131049)', () => {
  const at = new Date('2026-03-01T10:00:00Z');
  const hours = (n: number) => new Date(at.getTime() + n * 3_600_000);
  it.each<[string, number, number, Date | null, Date | null]>([
    ['first refusal: a day later', 0, 2, null, hours(24)],
    ['second refusal: two days later', 1, 2, null, hours(48)],
    ['third refusal with 2 retries: failed', 2, 2, null, null],
    ['no retries configured: failed', 0, 0, null, null],
    ['next try inside validUntil', 0, 2, hours(24), hours(24)],
    ['next try after validUntil: failed', 0, 2, hours(23), null],
    ['second try after validUntil: failed', 1, 2, hours(47), null],
  ])('%s', (_label, retriesSoFar, maxRetries, validUntil, expected) => {
    expect(marketingLimitRetryAt({ retriesSoFar, maxRetries, at, validUntil })).toEqual(expected);
  });
});
