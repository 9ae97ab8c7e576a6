import { checkAudience } from './audience-rules.js';

const LIST = '5d4c1b8e-0f1a-4b9e-9c3d-2a7e6f1b0c11';
const OTHER = '8a2f3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c55';
const CAMPAIGN = '2b0c6a9e-3f1d-4c2a-9a57-1f0e8d6c4b21';
const withWhere = (...where: unknown[]) => ({ listIds: [LIST], where });

describe('checkAudience', () => {
  it.each([
    ['one list', { listIds: [LIST] }, { listIds: [LIST] }],
    ['duplicate lists, upper-case ids', { listIds: [LIST, LIST.toUpperCase(), OTHER] }, { listIds: [LIST, OTHER] }],
    ['exclusions', { listIds: [LIST], excludeListIds: [OTHER] }, { listIds: [LIST], excludeListIds: [OTHER] }],
    ['eq on an attribute', withWhere({ field: 'city', op: 'eq', value: 'Berlin' }), withWhere({ field: 'city', op: 'eq', value: 'Berlin' })],
    ['a number for eq becomes text', withWhere({ field: 'orders', op: 'eq', value: 3 }), withWhere({ field: 'orders', op: 'eq', value: '3' })],
    ['country is upper-cased', withWhere({ field: 'country', op: 'in', value: ['de', 'AT', 'de'] }), withWhere({ field: 'country', op: 'in', value: ['DE', 'AT'] })],
    ['date column: a date is midnight UTC', withWhere({ field: 'opted_in_at', op: 'after', value: '2026-01-01' }), withWhere({ field: 'opted_in_at', op: 'after', value: '2026-01-01T00:00:00Z' })],
    ['date column: an offset becomes UTC', withWhere({ field: 'last_inbound_at', op: 'before', value: '2026-01-01T09:00:00+01:00' }), withWhere({ field: 'last_inbound_at', op: 'before', value: '2026-01-01T08:00:00Z' })],
    ['attribute: a date stays a date', withWhere({ field: 'birthday', op: 'before', value: '2000-01-01' }), withWhere({ field: 'birthday', op: 'before', value: '2000-01-01' })],
    ['gt takes a numeric string', withWhere({ field: 'orders', op: 'gt', value: '2.5' }), withWhere({ field: 'orders', op: 'gt', value: 2.5 })],
    ['exists takes no value', withWhere({ field: 'email', op: 'exists' }), withWhere({ field: 'email', op: 'exists' })],
    [
      'retarget alone',
      { fromCampaign: { campaignId: CAMPAIGN, statuses: ['sent', 'delivered', 'sent'], replied: false, clickedButton: 'Yes' } },
      { fromCampaign: { campaignId: CAMPAIGN, statuses: ['sent', 'delivered'], replied: false, clickedButton: 'Yes' } },
    ],
    ['a segment alone', { segmentId: LIST }, { segmentId: LIST }],
  ])('accepts %s', (_label, input, expected) => {
    expect(checkAudience(input)).toEqual({ ok: true, audience: expected });
  });

  it.each([
    ['not an object', 'everyone', /^audience must be an object/],
    ['no source', { where: [{ field: 'city', op: 'eq', value: 'Berlin' }] }, /audience needs someone to start from: give listIds, fromCampaign or segmentId/],
    ['empty listIds', { listIds: [] }, /needs someone to start from/],
    ['unknown option', { listIds: [LIST], lists: [LIST] }, /audience\.lists is not an audience option/],
    ['a bad list id', { listIds: [LIST, 'nope'] }, /audience\.listIds\[1\] must be a list id \(a UUID\), got "nope"/],
    ['a bad exclusion id', { listIds: [LIST], excludeListIds: [7] }, /audience\.excludeListIds\[0\] must be a list id/],
    ['where not an array', { listIds: [LIST], where: { field: 'city' } }, /audience\.where must be an array/],
    ['unknown op', withWhere({ field: 'city', op: 'eq', value: 'x' }, { field: 'city', op: 'like', value: 'x' }), /audience\.where\[1\]\.op must be one of eq, neq, in, notIn/],
    ['bad field', withWhere({ field: 'City Name', op: 'eq', value: 'x' }), /audience\.where\[0\]\.field must be a contact column .* got "City Name"/],
    ['field with SQL in it', withWhere({ field: "x'); DROP TABLE contacts; --", op: 'eq', value: 'x' }), /audience\.where\[0\]\.field must be/],
    ['before on a text column', withWhere({ field: 'first_name', op: 'before', value: '2026-01-01' }), /audience\.where\[0\]\.op before does not apply to first_name \(a text column\)/],
    ['eq on a date column', withWhere({ field: 'opted_in_at', op: 'eq', value: '2026-01-01' }), /audience\.where\[0\]\.op eq does not apply to opted_in_at \(a date column\): use before, after, exists, notExists/],
    ['gt on a text column', withWhere({ field: 'country', op: 'gt', value: 1 }), /audience\.where\[0\]\.op gt does not apply to country/],
    ['in without an array', withWhere({ field: 'city', op: 'in', value: 'Berlin' }), /audience\.where\[0\]\.value must be an array of 1 to 1000 values for in/],
    ['in with an object', withWhere({ field: 'city', op: 'in', value: ['a', {}] }), /audience\.where\[0\]\.value\[1\] must be a string or a number/],
    ['eq without a value', withWhere({ field: 'city', op: 'eq' }), /audience\.where\[0\]\.value must be a string or a number, got undefined/],
    ['contains an empty string', withWhere({ field: 'city', op: 'contains', value: '' }), /audience\.where\[0\]\.value must not be empty/],
    ['exists with a value', withWhere({ field: 'city', op: 'exists', value: 'x' }), /audience\.where\[0\]\.value must be left out: exists takes no value/],
    ['gt with text', withWhere({ field: 'orders', op: 'gt', value: 'many' }), /audience\.where\[0\]\.value must be a number for gt/],
    ['after with a non-date', withWhere({ field: 'opted_in_at', op: 'after', value: '2026-02-31' }), /audience\.where\[0\]\.value must be an ISO 8601 date or timestamp for after/],
    ['an extra clause key', withWhere({ field: 'city', op: 'eq', value: 'x', negate: true }), /audience\.where\[0\]\.negate is not part of a clause/],
    ['fromCampaign without an id', { fromCampaign: { statuses: ['sent'] } }, /audience\.fromCampaign\.campaignId must be a campaign id/],
    ['fromCampaign bad status', { fromCampaign: { campaignId: CAMPAIGN, statuses: ['opened'] } }, /audience\.fromCampaign\.statuses must be a non-empty array of recipient statuses/],
    ['fromCampaign replied not boolean', { fromCampaign: { campaignId: CAMPAIGN, replied: 'no' } }, /audience\.fromCampaign\.replied must be true or false/],
    ['bad segment id', { segmentId: 'abc' }, /audience\.segmentId must be a segment id \(a UUID\)/],
  ])('refuses %s, naming the place', (_label, input, message) => {
    const result = checkAudience(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems.join('; ')).toMatch(message);
  });

  it('refuses a segment inside a saved segment', () => {
    const result = checkAudience({ listIds: [LIST], segmentId: OTHER }, 'audience', { segmentAllowed: false });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^audience\.segmentId: a saved segment cannot name another segment/)] });
  });

  it('names every bad clause at once', () => {
    const result = checkAudience(withWhere({ field: 'city', op: 'nope' }, { field: 'city', op: 'eq', value: 'ok' }, { field: 'orders', op: 'lt', value: 'x' }));
    expect(result.ok ? [] : result.problems.map((problem) => problem.split(' ')[0])).toEqual(['audience.where[0].op', 'audience.where[2].value']);
  });
});
