import { RequestError } from './http.js';
import { inboundFromBody } from './inbound-request.js';
import { inboundContent } from './sandbox-payloads.js';

const account = { wabaId: 'WABA', phoneNumberId: 'PNID', displayPhoneNumber: '4930123456' };

describe('inboundFromBody (POST /_sandbox/inbound)', () => {
  it.each([
    ['a text', { apiKey: 'k', from: '491', text: 'hi' }, { apiKey: 'k', from: '491', text: 'hi', options: {} }],
    [
      'a quick reply with context',
      { apiKey: 'k', from: '491', button: { payload: 'YES', text: 'Yes' }, context: 'wamid.1', timestamp: 1700000000 },
      { apiKey: 'k', from: '491', text: 'Yes', options: { reply: { kind: 'quick_reply', payload: 'YES', text: 'Yes' }, contextId: 'wamid.1', timestamp: 1700000000 } },
    ],
    [
      'a quick reply without payload',
      { apiKey: 'k', from: '491', button: { payload: null, text: 'Maybe' } },
      { apiKey: 'k', from: '491', text: 'Maybe', options: { reply: { kind: 'quick_reply', payload: null, text: 'Maybe' } } },
    ],
    [
      'a list reply',
      { apiKey: 'k', from: '491', interactive: { type: 'list_reply', id: 'row-1', title: 'Monday' }, name: 'Ann' },
      { apiKey: 'k', from: '491', text: 'Monday', options: { profileName: 'Ann', reply: { kind: 'list_reply', id: 'row-1', title: 'Monday' } } },
    ],
  ])('%s', (_name, body, expected) => {
    expect(inboundFromBody(body)).toEqual(expected);
  });

  it.each([
    ['no text', { apiKey: 'k', from: '491' }, /text is required/],
    ['no apiKey', { from: '491', text: 'x' }, /body must be/],
    ['bad button', { apiKey: 'k', from: '491', button: { payload: 1, text: 'x' } }, /button must be/],
    ['bad interactive', { apiKey: 'k', from: '491', interactive: { type: 'nfm_reply', id: 'x', title: 'x' } }, /interactive must be/],
    ['both', { apiKey: 'k', from: '491', button: { payload: null, text: 'x' }, interactive: { type: 'button_reply', id: 'x', title: 'x' } }, /not both/],
    ['bad context', { apiKey: 'k', from: '491', text: 'x', context: 5 }, /context must be/],
    ['bad timestamp', { apiKey: 'k', from: '491', text: 'x', timestamp: 'now' }, /Unix seconds/],
  ])('%s → 400', (_name, body, message) => {
    expect(() => inboundFromBody(body)).toThrow(RequestError);
    expect(() => inboundFromBody(body)).toThrow(message);
  });
});

describe('inboundContent (typed by wire.ts InboundMessageContent)', () => {
  it.each([
    ['text', { text: 'hi' }, { type: 'text', text: { body: 'hi' } }],
    [
      'quick reply, payload null, with context',
      { text: 'Yes', reply: { kind: 'quick_reply', payload: null } as const, contextId: 'wamid.OUT' },
      { type: 'button', button: { payload: null, text: 'Yes' }, context: { from: '4930123456', id: 'wamid.OUT' } },
    ],
    [
      'button_reply',
      { text: '', reply: { kind: 'button_reply', id: 'b1', title: 'Book' } as const },
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Book' } } },
    ],
    [
      'list_reply',
      { text: '', reply: { kind: 'list_reply', id: 'r1', title: 'Mon', description: 'morning' } as const },
      { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Mon', description: 'morning' } } },
    ],
  ])('%s', (_name, inbound, expected) => {
    expect(inboundContent(inbound, account)).toEqual(expected);
  });
});
