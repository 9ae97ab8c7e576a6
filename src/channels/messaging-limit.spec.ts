import { effectiveMessagingLimit } from './messaging-limit.js';

describe('effectiveMessagingLimit', () => {
  it.each([
    [null, null, { limit: null, source: null }],
    [1000, null, { limit: 1000, source: 'manual' }],
    [null, 250, { limit: 250, source: 'whatsapp' }],
    [1000, 250, { limit: 250, source: 'whatsapp' }],
    [100, 250, { limit: 100, source: 'manual' }],
    [250, 250, { limit: 250, source: 'manual' }],
  ])('manual %p, WhatsApp %p → %p', (messagingLimit, whatsappMessagingLimit, expected) => {
    expect(effectiveMessagingLimit({ messagingLimit, whatsappMessagingLimit })).toEqual(expected);
  });
});
