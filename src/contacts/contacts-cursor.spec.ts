import { decodeContactCursor, decodeListCursor, encodeContactCursor, encodeListCursor } from './contacts-cursor.js';

describe('contacts cursors', () => {
  it.each(['1', '42', '9223372036854775807'])('round-trips contact id %s', (id) => {
    const cursor = encodeContactCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContactCursor(cursor)).toBe(id);
  });

  it.each(['', 'not a cursor', Buffer.from('c1:abc').toString('base64url'), Buffer.from('c1:9223372036854775808').toString('base64url'), encodeListCursor('2026-01-01T00:00:00.000001Z', '3f1c2a9e-5b7d-4c1e-9a8b-2d4e6f8a0b1c')])(
    'refuses %j as a contact cursor',
    (cursor) => {
      expect(decodeContactCursor(cursor)).toBeNull();
    },
  );

  it('round-trips a list cursor with microseconds', () => {
    const cursor = encodeListCursor('2026-01-01T10:00:00.123456Z', '3f1c2a9e-5b7d-4c1e-9a8b-2d4e6f8a0b1c');
    expect(decodeListCursor(cursor)).toEqual({ createdAt: '2026-01-01T10:00:00.123456Z', id: '3f1c2a9e-5b7d-4c1e-9a8b-2d4e6f8a0b1c' });
  });

  it.each(['x', encodeContactCursor('5'), Buffer.from('l1:yesterday|abc').toString('base64url')])('refuses %j as a list cursor', (cursor) => {
    expect(decodeListCursor(cursor)).toBeNull();
  });
});
