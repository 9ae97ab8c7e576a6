import { accountSummary, marketingNotice, qualitySummary, storedLimit, templatePauseReason } from './account-signal-text.js';

const at = new Date('2026-03-01T10:00:00Z');
const key = { name: 'spring_sale', language: 'en' };

describe('account signal words', () => {
  it('a template pause names the template, the event and Meta\'s reason', () => {
    const reason = templatePauseReason({ kind: 'template_status', event: 'PAUSED', templateId: '1', name: 'spring_sale', language: 'en', reason: 'LOW_QUALITY', occurredAt: at }, key);
    expect(reason).toBe('template "spring_sale" (en) is PAUSED by WhatsApp (message_template_status_update at 2026-03-01 10:00 UTC): LOW_QUALITY');
  });

  it.each([
    [true, /will recategorise template "spring_sale" \(en\) from UTILITY to MARKETING/],
    [false, /recategorised template "spring_sale" \(en\) from UTILITY to MARKETING/],
  ])('marketing notice, impending %p', (impending, expected) => {
    const event = { kind: 'template_category' as const, templateId: null, name: 'spring_sale', language: 'en', previousCategory: 'UTILITY', newCategory: 'MARKETING', impending, occurredAt: at };
    expect(marketingNotice(event, key)).toMatch(expected);
  });

  it('an account restriction names its type and expiry, expired or not', () => {
    const event = {
      kind: 'account_update' as const,
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [
        { type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: new Date('2026-03-02T10:00:00Z') },
        { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: new Date('2026-02-01T00:00:00Z') },
      ],
      violation: null,
      banState: null,
      occurredAt: at,
    };
    expect(accountSummary(event, at)).toBe(
      'ACCOUNT_RESTRICTION; restriction RESTRICTED_BIZ_INITIATED_MESSAGING until 2026-03-02 10:00 UTC; restriction RESTRICTED_ADD_PHONE_NUMBER_ACTION expired 2026-02-01 00:00 UTC',
    );
  });

  it.each([
    [1000, 'quality DOWNGRADE for +4930123456; messaging limit 1000 people per 24 h'],
    [Number.POSITIVE_INFINITY, 'quality DOWNGRADE for +4930123456; messaging limit unlimited'],
    [null, 'quality DOWNGRADE for +4930123456'],
  ])('quality summary with limit %p', (messagingLimit, expected) => {
    expect(qualitySummary({ kind: 'phone_quality', displayPhoneNumber: '+4930123456', event: 'DOWNGRADE', messagingLimit, occurredAt: at })).toBe(expected);
  });

  it.each([
    [null, undefined],
    [Number.POSITIVE_INFINITY, null],
    [250, 250],
  ])('stored limit of %p is %p', (limit, expected) => {
    expect(storedLimit(limit)).toBe(expected);
  });
});
