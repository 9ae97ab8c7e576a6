import { decodeCursor, encodeCursor } from './report-cursor.js';

describe('report cursor', () => {
  it.each([['0'], ['1'], ['42'], ['1000000'], ['9223372036854775807']])('round-trips id %s', (id) => {
    const cursor = encodeCursor(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(id === '0' ? 'x' : id);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['plain id', '42'],
    ['wrong prefix', Buffer.from('x1:42').toString('base64url')],
    ['negative id', Buffer.from('r1:-1').toString('base64url')],
    ['leading zero', Buffer.from('r1:042').toString('base64url')],
    ['not a number', Buffer.from('r1:abc').toString('base64url')],
    ['sql', Buffer.from("r1:1 OR 1=1").toString('base64url')],
    ['beyond bigint', Buffer.from('r1:9223372036854775808').toString('base64url')],
    ['too long', 'a'.repeat(65)],
  ])('rejects %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
