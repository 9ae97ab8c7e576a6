import { createHmac } from 'node:crypto';
import { formatCallbackData, parseCallbackData } from './callback-data.js';
import { processingErrorDecision, retryDelayMs, unknownMessageDecision } from './inbox-retry.js';
import { credentialsMatch, isUuid, parseBasicAuthorization, signatureMatches, webhookPasswordHash } from './webhook-auth.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('webhook credentials', () => {
  const expected = { username: 'wh_user', passwordHash: webhookPasswordHash('s3cret:with:colons') };

  it.each<[string | undefined, boolean]>([
    [basic('wh_user', 's3cret:with:colons'), true],
    [`basic   ${Buffer.from('wh_user:s3cret:with:colons').toString('base64')}`, true],
    [basic('wh_user', 'wrong'), false],
    [basic('other', 's3cret:with:colons'), false],
    [basic('', ''), false],
    ['Bearer abc', false],
    ['Basic !!!', false],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`, false],
    [undefined, false],
  ])('%p → %p', (header, ok) => {
    expect(credentialsMatch(parseBasicAuthorization(header), expected)).toBe(ok);
  });

  const valid = webhookPasswordHash('pw');
  it.each<[string, string, boolean]>([
    ['the stored hash', valid, true],
    ['the stored hash in upper case', valid.toUpperCase(), true],
    ['not hex', 'not-hex', false],
    ['empty', '', false],
    ['one digit short', valid.slice(1), false],
    ['an odd length (Buffer.from would drop the last digit)', `${valid}a`, false],
    ['twice as long', valid + valid, false],
    ['the all-zero digest', '0'.repeat(64), false],
  ])('a stored hash that is %s: matches %p, never throws', (_name, passwordHash, ok) => {
    expect(credentialsMatch({ username: 'u', password: 'pw' }, { username: 'u', passwordHash })).toBe(ok);
  });

  it.each([
    ['0d9d5f84-38a4-4d4c-9a0e-2b8e0f0e6d11', true],
    ['0D9D5F84-38A4-4D4C-9A0E-2B8E0F0E6D11', true],
    ['not-a-uuid', false],
    ['0d9d5f84-38a4-4d4c-9a0e-2b8e0f0e6d1', false],
    ['', false],
  ])('isUuid(%p) = %p', (value, ok) => {
    expect(isUuid(value)).toBe(ok);
  });
});

describe('x-360dialog-signature', () => {
  const body = Buffer.from('{"statuses":[{"id":"x","status":"sent"}]}');
  const hex = createHmac('sha256', 'partner-secret').update(body).digest('hex');

  it.each<[string | string[] | undefined, boolean]>([
    [hex, true],
    [`sha256=${hex}`, true],
    [`SHA256=${hex.toUpperCase()}`, true],
    [['bogus', `sha256=${hex}`], true],
    [`deadbeef, sha256=${hex}`, true],
    [hex.replace(/.$/, hex.endsWith('0') ? '1' : '0'), false],
    [`sha256=${hex.slice(2)}`, false],
    ['', false],
    [undefined, false],
  ])('%p → %p', (header, ok) => {
    expect(signatureMatches(body, header, 'partner-secret')).toBe(ok);
  });

  it('signs the raw bytes, not a re-serialisation', () => {
    const spaced = Buffer.from('{ "statuses": [] }');
    const signature = createHmac('sha256', 's').update(spaced).digest('hex');
    expect(signatureMatches(spaced, signature, 's')).toBe(true);
    expect(signatureMatches(Buffer.from('{"statuses":[]}'), signature, 's')).toBe(false);
  });
});

describe('callback data', () => {
  it.each<[unknown, string | null]>([
    ['r:8812345', '8812345'],
    [' r:1 ', '1'],
    [formatCallbackData(42), '42'],
    [formatCallbackData(9223372036854775807n), '9223372036854775807'],
    ['r:9223372036854775808', null],
    ['r:0', null],
    ['r:-1', null],
    ['r:12a', null],
    ['x:12', null],
    ['', null],
    [undefined, null],
    [12, null],
  ])('parseCallbackData(%p) = %p', (value, expected) => {
    expect(parseCallbackData(value)).toBe(expected);
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
