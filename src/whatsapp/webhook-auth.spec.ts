import { createHmac } from 'node:crypto';
import { formatCallbackData, parseCallbackData } from './callback-data.js';
import { credentialsMatch, signatureMatches, webhookPasswordHash } from './webhook-auth.js';
import { parseBasicAuthorization } from './webhook-credentials.js';

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
