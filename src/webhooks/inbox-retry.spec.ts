import {
  classifyProcessingError,
  isConnectionLoss,
  processingErrorDecision,
  type ProcessingErrorKind,
  retryDelayMs,
  sqlState,
  uncountedRetryDelayMs,
  unknownMessageDecision,
} from './inbox-retry.js';

/** What pg / TypeORM throw: a pg DatabaseError carries `code`; TypeORM's QueryFailedError copies it and keeps `driverError`. */
const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
const typeormError = (code: string) => Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: pgError(code) });

describe('classifyProcessingError', () => {
  it.each<[string, unknown, ProcessingErrorKind]>([
    // transient: retried without consuming an attempt
    ['serialization failure', pgError('40001'), 'transient'],
    ['deadlock', pgError('40P01'), 'transient'],
    ['deadlock via TypeORM driverError', typeormError('40P01'), 'transient'],
    ['connection failure', pgError('08006'), 'transient'],
    ['connection does not exist', pgError('08003'), 'transient'],
    ['too many connections', pgError('53300'), 'transient'],
    ['out of memory', pgError('53200'), 'transient'],
    ['disk full', pgError('53100'), 'transient'],
    ['statement timeout / cancel', pgError('57014'), 'transient'],
    ['admin shutdown', pgError('57P01'), 'transient'],
    ['cannot connect now', pgError('57P03'), 'transient'],
    ['lock timeout', pgError('55P03'), 'transient'],
    ['connection dropped (no SQLSTATE)', new Error('Connection terminated unexpectedly'), 'transient'],
    ['pool timeout (no SQLSTATE)', new Error('timeout exceeded when trying to connect'), 'transient'],
    ['refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'transient'],
    ['reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'transient'],
    ['TypeORM not connected', Object.assign(new Error('Cannot execute operation'), { name: 'CannotExecuteNotConnectedError' }), 'transient'],
    // item: counts toward MAX_ERROR_ATTEMPTS, then parked
    ['invalid text representation', pgError('22P02'), 'item'],
    ['numeric out of range', typeormError('22003'), 'item'],
    ['NUL in text', pgError('22021'), 'item'],
    ['unique violation', pgError('23505'), 'item'],
    ['foreign key violation', pgError('23503'), 'item'],
    ['check violation', typeormError('23514'), 'item'],
    ['program limit (index row too large)', pgError('54000'), 'item'],
    ['mapper exception', new TypeError("Cannot read properties of undefined (reading 'id')"), 'item'],
    ['thrown string', 'something odd', 'item'],
    ['thrown null', null, 'item'],
    // system: neither the item's fault nor known to pass; retried without consuming an attempt
    ['undefined table', pgError('42P01'), 'system'],
    ['undefined column', typeormError('42703'), 'system'],
    ['internal error', pgError('XX000'), 'system'],
    ['object in use', pgError('55006'), 'system'],
    ['read-only transaction', pgError('25006'), 'system'],
  ])('%s → %s', (_name, error, kind) => {
    expect(classifyProcessingError(error)).toBe(kind);
  });
});

describe('sqlState', () => {
  it.each<[unknown, string | null]>([
    [pgError('40P01'), '40P01'],
    [typeormError('23505'), '23505'],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), null],
    [new Error('x'), null],
    [undefined, null],
  ])('%p → %p', (error, state) => {
    expect(sqlState(error)).toBe(state);
  });
});

describe('isConnectionLoss (the one-by-one fallback stops)', () => {
  it.each<[unknown, boolean]>([
    [pgError('08006'), true],
    [pgError('57P01'), true],
    [pgError('53300'), true],
    [new Error('Connection terminated'), true],
    [pgError('40P01'), false],
    [pgError('57014'), false],
    [pgError('23505'), false],
    [new TypeError('x'), false],
  ])('%p → %p', (error, lost) => {
    expect(isConnectionLoss(error)).toBe(lost);
  });
});

describe('uncountedRetryDelayMs', () => {
  it.each([
    [0, 1000],
    [-5000, 1000],
    [1500, 1000],
    [10_000, 5000],
    [60_000, 30_000],
    [120_000, 60_000],
    [3_600_000, 60_000],
  ])('item %p ms old → wait %p ms', (ageMs, delay) => {
    expect(uncountedRetryDelayMs(ageMs)).toBe(delay);
  });
});

describe('inbox retry', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32000],
    [7, 60000],
    [100, 60000],
    [0, 1000],
  ])('after %p attempts wait %p ms', (attempts, delay) => {
    expect(retryDelayMs(attempts)).toBe(delay);
  });

  const received = new Date('2026-01-01T00:00:00Z');
  const at = (seconds: number) => new Date(received.getTime() + seconds * 1000);

  it.each<[number, number, number, { action: string; nextAttemptAt?: Date }]>([
    // [seconds since received, attempts, retry window, decision]
    [0, 1, 3600, { action: 'retry', nextAttemptAt: at(1) }],
    [10, 4, 3600, { action: 'retry', nextAttemptAt: at(18) }],
    [100, 20, 3600, { action: 'retry', nextAttemptAt: at(160) }],
    [3590, 60, 3600, { action: 'retry', nextAttemptAt: at(3600) }],
    [3600, 61, 3600, { action: 'park' }],
    [0, 1, 0, { action: 'park' }],
  ])('unknown message at +%ps after %p attempts (window %ps)', (seconds, attempts, retrySeconds, decision) => {
    expect(unknownMessageDecision({ receivedAt: received, attempts, now: at(seconds), retrySeconds })).toEqual(decision);
  });

  it.each<[number, string]>([
    [1, 'retry'],
    [7, 'retry'],
    [8, 'park'],
    [20, 'park'],
  ])('processing error after %p attempts → %p', (attempts, action) => {
    expect(processingErrorDecision({ attempts, now: received }).action).toBe(action);
  });
});
