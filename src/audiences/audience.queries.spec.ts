import { oneList, type ResolvedAudience, toResolved, type WhereClause } from './audience.js';
import { audienceContactsSql, parameterList } from './audience.queries.js';

const L1 = '5d4c1b8e-0f1a-4b9e-9c3d-2a7e6f1b0c11';
const L2 = '8a2f3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c55';
const X = 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e66';
const CAMPAIGN = '2b0c6a9e-3f1d-4c2a-9a57-1f0e8d6c4b21';
const HOSTILE = "x'); DELETE FROM contacts; --";

function build(audience: ResolvedAudience): { sql: string; parameters: unknown[] } {
  const { parameters, bind } = parameterList(['campaign', 'channel']);
  return { sql: audienceContactsSql(audience, bind), parameters };
}

describe('audience SQL', () => {
  it.each<[string, WhereClause]>([
    ['eq', { field: 'city', op: 'eq', value: HOSTILE }],
    ['neq', { field: 'city', op: 'neq', value: HOSTILE }],
    ['in', { field: 'city', op: 'in', value: [HOSTILE, 'Hamburg'] }],
    ['notIn', { field: 'first_name', op: 'notIn', value: [HOSTILE] }],
    ['contains', { field: 'last_name', op: 'contains', value: HOSTILE }],
    ['before (attribute)', { field: 'signup', op: 'before', value: '2026-01-01' }],
    ['after (column)', { field: 'opted_in_at', op: 'after', value: '2026-01-01T00:00:00Z' }],
    ['gt', { field: 'orders', op: 'gt', value: 31.5 }],
  ])('binds the value of %s as a parameter, never in the SQL text', (_label, clause) => {
    const { sql, parameters } = build({ ...oneList(L1), where: [clause] });
    if (!('value' in clause)) throw new Error('every case has a value');
    for (const value of [clause.value].flat()) expect(sql).not.toContain(String(value));
    expect(parameters).toEqual(expect.arrayContaining([clause.value]));
    // Placeholders continue after the caller's own parameters, and every one is used.
    expect(parameters.slice(0, 2)).toEqual(['campaign', 'channel']);
    for (let index = 3; index <= parameters.length; index++) expect(sql).toContain(`$${index}`);
  });

  it('binds an attribute key as a parameter; a column name comes from the fixed table', () => {
    const { sql, parameters } = build({ ...oneList(L1), where: [{ field: 'favourite_colour', op: 'exists' }, { field: 'last_name', op: 'exists' }] });
    expect(sql).not.toContain('favourite_colour');
    expect(sql).toContain('c.attributes ->> $4::text');
    expect(sql).toContain('c.last_name');
    expect(parameters).toContain('favourite_colour');
  });

  it('joins one list as it is (unique by its key), several through DISTINCT (a union)', () => {
    expect(build(oneList(L1)).sql).toMatch(/FROM \(SELECT m\.contact_id FROM list_members m WHERE m\.list_id = \$3::uuid OFFSET 0\) b\s+JOIN contacts c ON c\.id = b\.contact_id\s*$/);
    expect(build(toResolved({ listIds: [L1, L2] }, null)).sql).toContain('SELECT DISTINCT m.contact_id FROM list_members m WHERE m.list_id = ANY($3::uuid[])');
  });

  it('starts from the earlier campaign when there are no lists, and filters by it when there are', () => {
    const fromCampaign = { campaignId: CAMPAIGN, statuses: ['sent' as const, 'delivered' as const], replied: false, clickedButton: 'Yes' };
    const alone = build(toResolved({ fromCampaign }, null));
    expect(alone.sql).toContain(
      'FROM (SELECT r.contact_id FROM campaign_recipients r WHERE r.campaign_id = $3::uuid AND r.status = ANY($4::text[]) AND r.replied_at IS NULL AND r.clicked_button = $5::text OFFSET 0) b',
    );
    const withList = build(toResolved({ listIds: [L1], fromCampaign }, null));
    expect(withList.sql).toContain('WHERE c.id IN (SELECT r.contact_id FROM campaign_recipients r');
  });

  it('flattens a segment into the same conjunction, its first source becoming the base when the audience has none', () => {
    const segment = toResolved({ listIds: [L1], where: [{ field: 'country', op: 'eq', value: 'DE' }] }, null);
    const { sql, parameters } = build(toResolved({ excludeListIds: [X] }, segment));
    expect(sql).toMatch(/FROM \(SELECT m\.contact_id FROM list_members m WHERE m\.list_id = \$\d::uuid OFFSET 0\) b/);
    expect(sql).toContain('c.country = $');
    expect(sql).toContain('NOT EXISTS (SELECT 1 FROM list_members x WHERE x.list_id = $');
    expect(parameters).toEqual(['campaign', 'channel', L1, 'DE', X]);
  });

  it('selects no one without a source', () => {
    expect(build(toResolved({}, null)).sql).toBe('SELECT c.* FROM contacts c WHERE false');
  });
});
