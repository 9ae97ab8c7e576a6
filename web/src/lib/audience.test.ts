import { describe, expect, it } from 'vitest';
import { againAudience, audienceBody, campaignTarget, describeAudience, EMPTY_AUDIENCE, segmentAudience, whereClause } from './audience';

describe('whereClause', () => {
  it.each([
    [{ field: ' city ', op: 'eq', value: 'Berlin' }, { field: 'city', op: 'eq', value: 'Berlin' }],
    [{ field: 'country', op: 'in', value: 'DE, AT,,CH ' }, { field: 'country', op: 'in', value: ['DE', 'AT', 'CH'] }],
    [{ field: 'country', op: 'notIn', value: '' }, { field: 'country', op: 'notIn', value: [] }],
    [{ field: 'email', op: 'exists', value: 'ignored' }, { field: 'email', op: 'exists' }],
    [{ field: 'email', op: 'notExists', value: '' }, { field: 'email', op: 'notExists' }],
    [{ field: 'visits', op: 'gt', value: '3' }, { field: 'visits', op: 'gt', value: 3 }],
    [{ field: 'visits', op: 'lt', value: 'three' }, { field: 'visits', op: 'lt', value: 'three' }],
    [{ field: 'opted_in_at', op: 'after', value: '2026-01-01' }, { field: 'opted_in_at', op: 'after', value: '2026-01-01' }],
    [{ field: '  ', op: 'eq', value: 'x' }, null],
  ] as const)('%j → %j', (draft, expected) => expect(whereClause(draft)).toEqual(expected));
});

describe('audienceBody and campaignTarget', () => {
  const list = { ...EMPTY_AUDIENCE, listId: 'l1' };
  it('names nobody without a list, segment or earlier campaign', () => {
    expect(audienceBody(EMPTY_AUDIENCE)).toBeNull();
    expect(campaignTarget({ ...EMPTY_AUDIENCE, where: [{ field: 'city', op: 'eq', value: 'x' }] })).toBeNull();
  });

  it.each([
    [list, { listId: 'l1' }],
    [{ ...list, where: [{ field: ' ', op: 'eq', value: '' }] }, { listId: 'l1' }],
    [{ ...list, excludeListIds: ['l2'] }, { audience: { listIds: ['l1'], excludeListIds: ['l2'] } }],
    [{ ...list, where: [{ field: 'city', op: 'eq', value: 'Berlin' }] }, { audience: { listIds: ['l1'], where: [{ field: 'city', op: 'eq', value: 'Berlin' }] } }],
    [{ ...EMPTY_AUDIENCE, segmentId: 's1' }, { audience: { segmentId: 's1' } }],
    [{ ...EMPTY_AUDIENCE, fromCampaign: { campaignId: 'c1', statuses: ['failed'] } }, { audience: { fromCampaign: { campaignId: 'c1', statuses: ['failed'] } } }],
  ] as const)('%j → %j', (choice, expected) => expect(campaignTarget(choice as never)).toEqual(expected));

  it('saves a segment without its own segmentId', () => {
    expect(segmentAudience({ ...list, segmentId: 's1' })).toEqual({ listIds: ['l1'] });
    expect(segmentAudience({ ...EMPTY_AUDIENCE, segmentId: 's1' })).toBeNull();
  });
});

describe('againAudience ("Send again to…")', () => {
  it.each([
    ['not_read', { campaignId: 'c1', statuses: ['sent', 'delivered'] }],
    ['failed', { campaignId: 'c1', statuses: ['failed'] }],
    ['not_replied', { campaignId: 'c1', replied: false }],
  ] as const)('%s', (kind, expected) => expect(againAudience(kind, 'c1')).toEqual(expected));
});

describe('describeAudience', () => {
  const name = (id: string) => `“${id}”`;
  it.each([
    [{ listIds: ['a'] }, 'in “a”'],
    [
      { listIds: ['a', 'b'], excludeListIds: ['c'], where: [{ field: 'city', op: 'eq', value: 'Berlin' }, { field: 'country', op: 'in', value: ['DE', 'AT'] }, { field: 'email', op: 'exists' }] },
      'in “a” or “b”; city is Berlin; country is one of DE, AT; email is set; not in “c”',
    ],
    [{ fromCampaign: { campaignId: 'c1', statuses: ['sent', 'delivered'] } }, 'recipients of campaign c1 now sent or delivered'],
    [{ fromCampaign: { campaignId: 'c1', replied: false }, segmentId: 's1' }, 'in segment “s1”; recipients of campaign c1 who did not reply'],
  ] as const)('%j', (audience, words) => expect(describeAudience(audience as never, name, name)).toBe(words));
});
