import { checkWebhookBody, mapWebhookPayload, parseWebhookTimestamp, statusEventsToBody, type WebhookEvent } from './webhook-events.js';

const received = new Date('2026-01-01T00:00:00Z');
const t = (seconds: number) => new Date(seconds * 1000);

const cloud = (value: Record<string, unknown>, field = 'messages') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, ...value } }] }],
});

describe('mapWebhookPayload', () => {
  it.each<[string, unknown, 'cloud' | 'onpremise' | 'none', WebhookEvent[]]>([
    [
      'On-Premise delivered',
      {
        statuses: [
          { id: 'gBEG1', recipient_id: '4915112345678', status: 'delivered', timestamp: '1700000000', conversation: { id: 'c1' }, pricing: { billable: true } },
        ],
      },
      'onpremise',
      [
        {
          kind: 'status',
          messageId: 'gBEG1',
          status: 'delivered',
          timestamp: t(1700000000),
          recipientWaId: '4915112345678',
          pricing: { category: null, model: null, type: null, billable: true },
        },
      ],
    ],
    [
      'On-Premise failed with errors',
      { statuses: [{ id: 'gBEG2', recipient_id: '4915112345678', status: 'failed', timestamp: '1700000001', errors: [{ code: 1026, title: 'Receiver Incapable' }] }] },
      'onpremise',
      [
        {
          kind: 'status',
          messageId: 'gBEG2',
          status: 'failed',
          timestamp: t(1700000001),
          recipientWaId: '4915112345678',
          errors: [{ code: 1026, title: 'Receiver Incapable' }],
        },
      ],
    ],
    [
      'On-Premise inbound text',
      {
        contacts: [{ profile: { name: 'Maria' }, wa_id: '4915112345678' }],
        messages: [{ from: '4915112345678', id: 'ABGG1', timestamp: '1700000002', type: 'text', text: { body: 'STOP' } }],
      },
      'onpremise',
      [{ kind: 'message', fromWaId: '4915112345678', messageId: 'ABGG1', timestamp: t(1700000002), type: 'text', text: 'STOP' }],
    ],
    [
      'Cloud read with callback data',
      cloud({ statuses: [{ id: 'wamid.A', status: 'read', timestamp: '1700000300', recipient_id: '4915112345678', biz_opaque_callback_data: 'r:8812345' }] }),
      'cloud',
      [
        {
          kind: 'status',
          messageId: 'wamid.A',
          status: 'read',
          timestamp: t(1700000300),
          recipientWaId: '4915112345678',
          callbackData: 'r:8812345',
        },
      ],
    ],
    [
      'Cloud failed: code as string, title from message',
      cloud({ statuses: [{ id: 'wamid.B', status: 'FAILED', timestamp: 1700000301, recipient_id: '49151', errors: [{ code: '131026', message: 'Message undeliverable' }] }] }),
      'cloud',
      [
        {
          kind: 'status',
          messageId: 'wamid.B',
          status: 'failed',
          timestamp: t(1700000301),
          recipientWaId: '49151',
          errors: [{ code: 131026, title: 'Message undeliverable' }],
        },
      ],
    ],
    [
      'Cloud quick-reply button and interactive reply',
      cloud({
        contacts: [{ wa_id: '4915112345678' }],
        messages: [
          { from: '4915112345678', id: 'wamid.in1', timestamp: '1700000400', type: 'button', button: { text: 'Stop promotions', payload: 'STOP' } },
          { from: '+4915112345679', id: 'wamid.in2', timestamp: '1700000401', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'x', title: 'Unsubscribe' } } },
          { from: '4915112345670', id: 'wamid.in3', timestamp: '1700000402', type: 'image', image: { id: 'media' } },
        ],
      }),
      'cloud',
      [
        {
          kind: 'message',
          fromWaId: '4915112345678',
          messageId: 'wamid.in1',
          timestamp: t(1700000400),
          type: 'button',
          text: 'Stop promotions',
          button: { kind: 'quick_reply', payload: 'STOP', text: 'Stop promotions' },
        },
        {
          kind: 'message',
          fromWaId: '4915112345679',
          messageId: 'wamid.in2',
          timestamp: t(1700000401),
          type: 'interactive',
          text: 'Unsubscribe',
          button: { kind: 'button_reply', payload: 'x', text: 'Unsubscribe' },
        },
        { kind: 'message', fromWaId: '4915112345670', messageId: 'wamid.in3', timestamp: t(1700000402), type: 'image' },
      ],
    ],
    [
      'Cloud: the answered message (context.id), a quick reply without payload, a list reply',
      cloud({
        messages: [
          { from: '491', id: 'wamid.in4', timestamp: '1700000500', type: 'button', button: { text: 'Yes', payload: null }, context: { from: '4930', id: 'wamid.OUT1' } },
          { from: '491', id: 'wamid.in5', timestamp: '1700000501', type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Tuesday' } } },
          { from: '491', id: 'wamid.in6', timestamp: '1700000502', type: 'text', text: { body: 'hi' }, context: { id: 42 } },
        ],
      }),
      'cloud',
      [
        {
          kind: 'message',
          fromWaId: '491',
          messageId: 'wamid.in4',
          timestamp: t(1700000500),
          type: 'button',
          text: 'Yes',
          contextId: 'wamid.OUT1',
          button: { kind: 'quick_reply', payload: null, text: 'Yes' },
        },
        {
          kind: 'message',
          fromWaId: '491',
          messageId: 'wamid.in5',
          timestamp: t(1700000501),
          type: 'interactive',
          text: 'Tuesday',
          button: { kind: 'list_reply', payload: 'row-2', text: 'Tuesday' },
        },
        { kind: 'message', fromWaId: '491', messageId: 'wamid.in6', timestamp: t(1700000502), type: 'text', text: 'hi', contextId: '42' },
      ],
    ],
    [
      'On-Premise quick reply with context',
      { contacts: [{ wa_id: '492' }], messages: [{ from: '492', id: 'ABGG1', timestamp: '1700000600', type: 'button', button: { payload: 'P1', text: 'Book' }, context: { from: '4930', id: 'gBEGOUT' } }] },
      'onpremise',
      [
        {
          kind: 'message',
          fromWaId: '492',
          messageId: 'ABGG1',
          timestamp: t(1700000600),
          type: 'button',
          text: 'Book',
          contextId: 'gBEGOUT',
          button: { kind: 'quick_reply', payload: 'P1', text: 'Book' },
        },
      ],
    ],
    [
      'Cloud: several entries, changes and statuses in one body',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              { field: 'messages', value: { statuses: [{ id: 'm1', status: 'sent', timestamp: '1700000001' }, { id: 'm2', status: 'sent', timestamp: '1700000002' }] } },
              { field: 'messages', value: { statuses: [{ id: 'm3', status: 'delivered', timestamp: '1700000003' }] } },
            ],
          },
          { changes: [{ field: 'messages', value: { statuses: [{ id: 'm1', status: 'read', timestamp: '1700000004' }] } }] },
        ],
      },
      'cloud',
      [
        { kind: 'status', messageId: 'm1', status: 'sent', timestamp: t(1700000001), recipientWaId: null },
        { kind: 'status', messageId: 'm2', status: 'sent', timestamp: t(1700000002), recipientWaId: null },
        { kind: 'status', messageId: 'm3', status: 'delivered', timestamp: t(1700000003), recipientWaId: null },
        { kind: 'status', messageId: 'm1', status: 'read', timestamp: t(1700000004), recipientWaId: null },
      ],
    ],
    ['Cloud: other fields carry no message event', cloud({ event: 'APPROVED', message_template_name: 'x' }, 'message_template_status_update'), 'cloud', []],
    [
      'missing or bad timestamp falls back to received time',
      { statuses: [{ id: 'm9', status: 'sent' }, { id: 'm10', status: 'sent', timestamp: 'yesterday' }] },
      'onpremise',
      [
        { kind: 'status', messageId: 'm9', status: 'sent', timestamp: received, recipientWaId: null },
        { kind: 'status', messageId: 'm10', status: 'sent', timestamp: received, recipientWaId: null },
      ],
    ],
    [
      'malformed items are skipped, the rest kept',
      { statuses: [null, 'x', { status: 'sent' }, { id: 'ok', status: 'sent', timestamp: '1700000000' }], messages: [{ id: 'noFrom' }] },
      'onpremise',
      [{ kind: 'status', messageId: 'ok', status: 'sent', timestamp: t(1700000000), recipientWaId: null }],
    ],
    ['an unrelated object', { hello: 'world' }, 'none', []],
    ['an array', [1, 2], 'none', []],
    ['NUL characters are dropped', { statuses: [{ id: 'a\u0000b', status: 'sent', timestamp: '1700000000' }] }, 'onpremise', [
      { kind: 'status', messageId: 'ab', status: 'sent', timestamp: t(1700000000), recipientWaId: null },
    ]],
  ])('%s', (_name, payload, generation, events) => {
    const mapped = mapWebhookPayload(payload, received);
    expect(mapped.generation).toBe(generation);
    expect(mapped.events).toEqual(events);
  });

  it('notes what it skipped', () => {
    expect(mapWebhookPayload({ statuses: [{ status: 'sent' }] }, received).ignored).toEqual(['a status without id or status']);
  });

  it('reads fields other than messages as account events, at the entry time', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA',
          time: 1767000000,
          changes: [
            { field: 'message_template_status_update', value: { event: 'PAUSED', message_template_name: 'spring_sale', message_template_language: 'en', reason: 'LOW_QUALITY' } },
            { field: 'account_update', value: { event: 'DISABLED_UPDATE' } },
            { field: 'a_field_of_2027', value: {} },
          ],
        },
      ],
    };
    const mapped = mapWebhookPayload(body, received);
    expect(mapped.events).toEqual([]);
    expect(mapped.accountEvents).toEqual([
      expect.objectContaining({ kind: 'template_status', event: 'PAUSED', name: 'spring_sale', language: 'en', occurredAt: t(1767000000) }),
      expect.objectContaining({ kind: 'account_update', event: 'DISABLED_UPDATE', occurredAt: t(1767000000) }),
      { kind: 'other', field: 'a_field_of_2027' },
    ]);
  });

  it.each([
    ['Cloud value-level errors', cloud({ errors: [{ code: 130429, title: 'Rate limit hit' }] }), 'cloud'],
    ['On-Premise top-level errors', { errors: [{ code: 130429, title: 'Rate limit hit' }] }, 'onpremise'],
  ])('keeps %s apart from the recipients', (_, payload, generation) => {
    const mapped = mapWebhookPayload(payload, received);
    expect(mapped.generation).toBe(generation);
    expect(mapped.events).toEqual([]);
    expect(mapped.valueErrors).toEqual([{ code: 130429, title: 'Rate limit hit' }]);
  });

  it('reads pricing once as given, user ids, and statuses beyond the four', () => {
    const mapped = mapWebhookPayload(
      cloud({
        statuses: [
          {
            id: 'gBGGFlB5YQ',
            status: 'played',
            timestamp: '1700000000',
            recipient_id: '4915112345678',
            recipient_user_id: 'DE.13491208655302741918',
            pricing: { billable: true, pricing_model: 'pmp', category: 'Marketing', type: 'regular' },
          },
        ],
        messages: [{ from: '4915112345678', from_user_id: 'DE.1349', id: 'in1', timestamp: '1700000001', type: 'text', text: { body: 'hi' } }],
      }),
      received,
    );
    expect(mapped.events).toEqual([
      {
        kind: 'status',
        messageId: 'gBGGFlB5YQ',
        status: 'played',
        timestamp: t(1700000000),
        recipientWaId: '4915112345678',
        recipientUserId: 'DE.13491208655302741918',
        pricing: { category: 'marketing', model: 'PMP', type: 'regular', billable: true },
      },
      { kind: 'message', fromWaId: '4915112345678', fromUserId: 'DE.1349', messageId: 'in1', timestamp: t(1700000001), type: 'text', text: 'hi' },
    ]);
  });
});

describe('parseWebhookTimestamp', () => {
  it.each<[unknown, Date]>([
    ['1700000000', t(1700000000)],
    [1700000000, t(1700000000)],
    [1700000000123, new Date(1700000000123)],
    ['', received],
    [null, received],
    ['-5', received],
    [99999999999999, received],
  ])('%p → %p', (value, expected) => {
    expect(parseWebhookTimestamp(value, received)).toEqual(expected);
  });
});

describe('statusEventsToBody', () => {
  it('round-trips status events through the On-Premise shape', () => {
    const events = mapWebhookPayload(
      cloud({
        statuses: [
          { id: 'wamid.X', status: 'failed', timestamp: '1700000000', recipient_id: '49151', biz_opaque_callback_data: 'r:5', errors: [{ code: 131026, title: 'Undeliverable' }] },
          { id: 'wamid.Y', status: 'read', timestamp: '1700000001' },
        ],
      }),
      received,
    ).events;
    const again = mapWebhookPayload(JSON.parse(statusEventsToBody(events as never)), received);
    expect(again.generation).toBe('onpremise');
    expect(again.events).toEqual(events);
  });
});

describe('checkWebhookBody', () => {
  it.each<[string, boolean, RegExp | null]>([
    ['{"statuses":[]}', true, null],
    ['', false, /empty/],
    ['   ', false, /empty/],
    ['not json', false, /^Body is not valid JSON: /],
    ['{"a":', false, /^Body is not valid JSON: /],
    ['[1,2]', false, /not an object/],
    ['"text"', false, /not an object/],
    ['null', false, /not an object/],
  ])('%p → ok=%p', (text, ok, reason) => {
    const result = checkWebhookBody(text);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.reason).toMatch(reason!);
  });
});
