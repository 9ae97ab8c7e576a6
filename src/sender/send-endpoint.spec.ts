import type { SendResult } from '../whatsapp/types.js';
import { fallsBackToMessages, MARKETING_REFUSAL_MEMORY_MS, MarketingRefusals, sendEndpointFor } from './send-endpoint.js';

describe('sendEndpointFor', () => {
  it.each([
    ['cloud', true, 'MARKETING', 'marketing_messages'],
    ['cloud', true, 'marketing', 'marketing_messages'],
    ['cloud', true, 'UTILITY', 'messages'],
    ['cloud', true, 'AUTHENTICATION', 'messages'],
    ['cloud', true, null, 'messages'],
    ['cloud', false, 'MARKETING', 'messages'],
    ['onpremise', true, 'MARKETING', 'messages'],
  ] as const)('%s channel, marketingMessagesApi %s, %s template → %s', (apiGeneration, marketingMessagesApi, category, expected) => {
    expect(sendEndpointFor({ apiGeneration, marketingMessagesApi }, category)).toBe(expected);
  });
});

describe('fallsBackToMessages', () => {
  const refused = (errorCode: number | null, outcomeUnknown = false): SendResult => ({ ok: false, latencyMs: 1, httpStatus: 400, errorCode, errorTitle: 'x', outcomeUnknown });
  const accepted: SendResult = { ok: true, messageId: 'wamid.1', latencyMs: 1 };

  it.each<[string, 'messages' | 'marketing_messages', boolean, SendResult, boolean]>([
    ['131055 from the Marketing Messages API with fallback', 'marketing_messages', true, refused(131055), true],
    ['131055 without fallback: the campaigns pause instead', 'marketing_messages', false, refused(131055), false],
    ['131055 from /messages is not retried there', 'messages', true, refused(131055), false],
    ['another refusal', 'marketing_messages', true, refused(131026), false],
    ['an answer that may have gone out', 'marketing_messages', true, refused(131055, true), false],
    ['accepted', 'marketing_messages', true, accepted, false],
  ])('%s → %s', (_, endpoint, fallback, result, expected) => {
    expect(fallsBackToMessages(endpoint, fallback, result)).toBe(expected);
  });
});

describe('MarketingRefusals', () => {
  const refusedAt = 1_000_000;
  const memory = () => {
    const refusals = new MarketingRefusals();
    refusals.remember('ch-1', 'promo/en', refusedAt);
    return refusals;
  };

  it.each<[string, 'messages' | 'marketing_messages', string, string, number, 'messages' | 'marketing_messages']>([
    ['the refused pair, at once', 'marketing_messages', 'ch-1', 'promo/en', refusedAt, 'messages'],
    ['the refused pair, just before the memory ends', 'marketing_messages', 'ch-1', 'promo/en', refusedAt + MARKETING_REFUSAL_MEMORY_MS - 1, 'messages'],
    ['the refused pair, when the memory ends: asked again', 'marketing_messages', 'ch-1', 'promo/en', refusedAt + MARKETING_REFUSAL_MEMORY_MS, 'marketing_messages'],
    ['another template of the channel', 'marketing_messages', 'ch-1', 'promo/de', refusedAt, 'marketing_messages'],
    ['the same template on another channel', 'marketing_messages', 'ch-2', 'promo/en', refusedAt, 'marketing_messages'],
    ['a send that goes to /messages anyway', 'messages', 'ch-1', 'promo/en', refusedAt, 'messages'],
  ])('%s → %s', (_, preferred, channelId, template, now, expected) => {
    expect(memory().route(preferred, channelId, template, now)).toBe(expected);
  });

  it('forgets a pair whose memory ended, until it is refused again', () => {
    const refusals = memory();
    expect(refusals.route('marketing_messages', 'ch-1', 'promo/en', refusedAt + MARKETING_REFUSAL_MEMORY_MS)).toBe('marketing_messages');
    expect(refusals.route('marketing_messages', 'ch-1', 'promo/en', refusedAt)).toBe('marketing_messages');
    refusals.remember('ch-1', 'promo/en', refusedAt);
    expect(refusals.route('marketing_messages', 'ch-1', 'promo/en', refusedAt)).toBe('messages');
  });
});
