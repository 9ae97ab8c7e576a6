import { type AccountChange, mapAccountChange, messagingLimitOf, restrictsSending } from './account-events.js';

const received = new Date('2026-12-01T10:00:00Z');

describe('messagingLimitOf', () => {
  it.each<[unknown, number | null]>([
    ['TIER_250', 250],
    ['TIER_1K', 1000],
    ['TIER_2K', 2000],
    ['TIER_10K', 10_000],
    ['TIER_100K', 100_000],
    ['TIER_UNLIMITED', Number.POSITIVE_INFINITY],
    ['tier_10k', 10_000],
    [2000, 2000],
    ['2000', 2000],
    ['TIER_X', null],
    [0, null],
    [undefined, null],
  ])('%p → %p', (value, expected) => {
    expect(messagingLimitOf(value)).toBe(expected);
  });
});

describe('mapAccountChange', () => {
  it('reads a template status update', () => {
    expect(
      mapAccountChange(
        'message_template_status_update',
        { event: 'PAUSED', message_template_id: 594425479261596, message_template_name: 'spring_sale', message_template_language: 'en', reason: 'LOW_QUALITY' },
        received,
      ),
    ).toEqual([{ kind: 'template_status', event: 'PAUSED', templateId: '594425479261596', name: 'spring_sale', language: 'en', reason: 'LOW_QUALITY', occurredAt: received }]);
  });

  it.each([
    ['the completed form', { message_template_id: 1, message_template_name: 'a', message_template_language: 'en', previous_category: 'UTILITY', new_category: 'MARKETING' }, false, 'UTILITY'],
    ['the impending form', { message_template_id: 1, message_template_name: 'a', message_template_language: 'en', correct_category: 'MARKETING', category_update_timestamp: 1767225600 }, true, null],
  ])('reads a template category update in %s', (_, value, impending, previous) => {
    expect(mapAccountChange('template_category_update', value, received)).toEqual([
      expect.objectContaining({ kind: 'template_category', newCategory: 'MARKETING', previousCategory: previous, impending }),
    ]);
  });

  it('reads a quality update with the limit it announces', () => {
    expect(mapAccountChange('phone_number_quality_update', { display_phone_number: '4930123456', event: 'DOWNGRADE', current_limit: 'TIER_1K' }, received)).toEqual([
      { kind: 'phone_quality', displayPhoneNumber: '4930123456', event: 'DOWNGRADE', messagingLimit: 1000, occurredAt: received },
    ]);
  });

  it('reads an account restriction with its expiry', () => {
    const [event] = mapAccountChange(
      'account_update',
      { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1767225600 }] },
      received,
    );
    expect(event).toEqual({
      kind: 'account_update',
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: new Date(1767225600 * 1000) }],
      violation: null,
      banState: null,
      occurredAt: received,
    });
  });

  it('reads business capability limits, newest name first', () => {
    expect(mapAccountChange('business_capability_update', { max_daily_conversations_per_business: 10000, max_phone_numbers_per_business: 2 }, received)).toEqual([
      { kind: 'business_capability', messagingLimit: 10000, occurredAt: received },
    ]);
    expect(mapAccountChange('business_capability_update', { max_daily_conversation_per_phone: 1000 }, received)).toEqual([
      { kind: 'business_capability', messagingLimit: 1000, occurredAt: received },
    ]);
  });

  it('reads user preferences, one event per person, skipping entries without wa_id or value', () => {
    const events = mapAccountChange(
      'user_preferences',
      {
        messaging_product: 'whatsapp',
        user_preferences: [
          { wa_id: '+4915112345678', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: 1767000000 },
          { wa_id: '4915112345679', category: 'marketing_messages', value: 'resume', timestamp: 1767000100 },
          { category: 'marketing_messages', value: 'stop' },
          'junk',
        ],
      },
      received,
    );
    expect(events).toEqual([
      { kind: 'user_preference', waId: '4915112345678', category: 'marketing_messages', value: 'stop', detail: 'User requested to stop marketing messages', occurredAt: new Date(1767000000 * 1000) },
      { kind: 'user_preference', waId: '4915112345679', category: 'marketing_messages', value: 'resume', detail: null, occurredAt: new Date(1767000100 * 1000) },
    ]);
  });

  it.each([['smb_message_echoes'], ['security'], ['some_field_of_2027']])('keeps an unknown field %s as other, never an error', (field) => {
    expect(mapAccountChange(field, { anything: true }, received)).toEqual([{ kind: 'other', field }]);
  });

  it('tolerates a value that is not an object', () => {
    expect(mapAccountChange('message_template_status_update', null, received)).toEqual([
      { kind: 'template_status', event: 'UNKNOWN', templateId: null, name: null, language: null, reason: null, occurredAt: received },
    ]);
  });
});

describe('restrictsSending', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const event = (patch: Partial<AccountChange>): AccountChange => ({ kind: 'account_update', event: 'ACCOUNT_RESTRICTION', restrictions: [], violation: null, banState: null, occurredAt: now, ...patch });
  it.each<[string, Partial<AccountChange>, boolean]>([
    ['a restriction that has not expired', { restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: new Date('2026-12-02T00:00:00Z') }] }, true],
    ['a restriction that has expired', { restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: new Date('2026-11-30T00:00:00Z') }] }, false],
    ['a restriction without expiry', { restrictions: [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: null }] }, true],
    ['a disabled account', { event: 'DISABLED_UPDATE' }, true],
    ['a ban scheduled', { event: 'DISABLED_UPDATE', banState: 'SCHEDULE_FOR_DISABLE' }, true],
    ['a violation', { event: 'ACCOUNT_VIOLATION' }, true],
    ['a verified business', { event: 'VERIFIED_ACCOUNT' }, false],
  ])('%s → %p', (_, patch, expected) => {
    expect(restrictsSending(event(patch), now)).toBe(expected);
  });
});
