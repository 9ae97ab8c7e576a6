import { LAUNCH_MAX_FAILURES, launchFailure } from './launch-failure.js';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });
/** How TypeORM wraps a pg error: its properties are copied, the original kept as driverError. */
const queryFailed = (code: string) => Object.assign(new Error('query failed'), { driverError: withCode(code) });

describe('launchFailure', () => {
  it.each([
    ['deadlock (40P01)', withCode('40P01')],
    ['serialisation failure (40001)', withCode('40001')],
    ['connection failure (08006)', withCode('08006')],
    ['admin shutdown (57P01)', withCode('57P01')],
    ['statement timeout (57014)', withCode('57014')],
    ['out of memory (53200)', withCode('53200')],
    ['lock not available (55P03)', withCode('55P03')],
    ['a TypeORM-wrapped deadlock', queryFailed('40P01')],
    ['connection reset', withCode('ECONNRESET')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['pg pool: connection terminated', new Error('Connection terminated unexpectedly')],
  ])('retries %s after a backoff', (_label, error) => {
    expect(launchFailure(error, 0)).toEqual({ action: 'retry', delayMs: 2_000 });
  });

  it.each([
    ['a placeholder that no longer parses', new Error('"{{first name}}": a placeholder needs a field name')],
    ['a unique violation (23505)', withCode('23505', 'duplicate key value')],
    ['an invalid value (22P02)', withCode('22P02', 'invalid input syntax')],
    ['an undefined column (42703)', queryFailed('42703')],
    ['a thrown string', 'boom'],
  ])('fails %s at once, naming the error', (_label, error) => {
    const message = error instanceof Error ? error.message : String(error);
    expect(launchFailure(error, 0)).toEqual({ action: 'fail', reason: `the campaign could not be launched: ${message}` });
  });

  it.each([
    [0, 2_000],
    [1, 4_000],
    [2, 8_000],
    [4, 32_000],
    [5, 60_000],
    [6, 60_000],
  ])('after %i failures the next retry waits %i ms (capped)', (failuresBefore, delayMs) => {
    expect(launchFailure(withCode('40P01'), failuresBefore)).toEqual({ action: 'retry', delayMs });
  });

  it('gives up on a passing condition that does not pass, naming the attempts', () => {
    expect(launchFailure(withCode('08006', 'connection failure'), LAUNCH_MAX_FAILURES - 1)).toEqual({
      action: 'fail',
      reason: `the campaign could not be launched (${LAUNCH_MAX_FAILURES} attempts): connection failure`,
    });
  });
});
