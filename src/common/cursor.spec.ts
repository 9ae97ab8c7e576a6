import { idCursor, isTimestamp, timeIdCursor } from './cursor.js';

describe('idCursor', () => {
  const contacts = idCursor('c');
  it('gives back the id it was made from', () => {
    expect(contacts.decode(contacts.encode('9223372036854775807'))).toBe('9223372036854775807');
  });
  it.each([
    ['a cursor of another listing', idCursor('r').encode('5')],
    ['not base64url', 'a b'],
    ['an id out of the bigint range', Buffer.from('c1:9223372036854775808').toString('base64url')],
    ['an id that is not a number', Buffer.from('c1:abc').toString('base64url')],
    ['two parts', Buffer.from('c1:1|2').toString('base64url')],
    ['empty', ''],
  ])('refuses %s', (_, cursor) => {
    expect(contacts.decode(cursor)).toBeNull();
  });
});

describe('timeIdCursor', () => {
  const campaigns = timeIdCursor('k');
  const id = '5f0c6e0e-8d6b-4a59-9f65-3b2f1f1d2c3a';
  it.each(['2026-12-02 17:45:23.123456+00', '2026-12-02T17:45:23.123Z'])('keeps %s exactly, microseconds included', (createdAt) => {
    expect(campaigns.decode(campaigns.encode({ createdAt, id }))).toEqual({ createdAt, id });
  });
  it.each([
    ['a date PostgreSQL refuses', 'Tue, 31 Feb 2020', id],
    ['an impossible day', '2020-02-31 00:00:00+00', id],
    ['a non-uuid id', '2026-12-02 17:45:23+00', 'abc'],
  ])('refuses %s', (_, createdAt, badId) => {
    expect(campaigns.decode(campaigns.encode({ createdAt, id: badId }))).toBeNull();
  });
});

describe('isTimestamp', () => {
  it.each([
    ['2026-01-01', true],
    ['2026-01-01T10:00:00+02:00', true],
    ['2026-01-01 10:00:00.5+00', true],
    ['yesterday', false],
    ['Tue, 31 Feb 2020', false],
  ])('%s → %s', (text, expected) => {
    expect(isTimestamp(text)).toBe(expected);
  });
});
