import { assertMarketingMessagesFits, decodeChannelCursor, encodeChannelCursor } from './channel-rules.js';

describe('channel rules', () => {
  it('round-trips a cursor', () => {
    const cursor = { createdAt: '2026-11-21T13:53:54.123Z', id: '3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' };
    expect(decodeChannelCursor(encodeChannelCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['garbage', 'not base64 json'],
    [Buffer.from('{"a":1}').toString('base64url'), 'an object'],
    [Buffer.from('["2026-11-21T00:00:00Z","nope"]').toString('base64url'), 'a bad id'],
    [Buffer.from('["yesterday","3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"]').toString('base64url'), 'a bad date'],
    [Buffer.from('ch1:Tue, 31 Feb 2020|3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b').toString('base64url'), 'a date PostgreSQL refuses'],
  ])('rejects %p (%s)', (raw) => {
    expect(decodeChannelCursor(raw)).toBeNull();
  });
});

describe('assertMarketingMessagesFits', () => {
  it.each([
    ['cloud', true, true],
    ['cloud', false, false],
    ['cloud', undefined, false],
    ['onpremise', false, false],
    ['onpremise', undefined, false],
  ] as const)('%s with marketingMessagesApi %s → %s', (generation, requested, stored) => {
    expect(assertMarketingMessagesFits(generation, requested)).toBe(stored);
  });

  it('refuses it on an On-Premise channel, saying why', () => {
    expect(() => assertMarketingMessagesFits('onpremise', true)).toThrow(/needs a cloud channel/);
  });
});
