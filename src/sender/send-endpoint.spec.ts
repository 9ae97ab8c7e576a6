import type { SendResult } from '../whatsapp/types.js';
import { fallsBackToMessages, sendEndpointFor } from './send-endpoint.js';

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
