import { describe, expect, it } from 'vitest';
import { audienceBody, EMPTY_AUDIENCE } from './audience';

describe('audienceBody', () => {
  it('sends no audience for a plain list (the engine without the audience API takes listId)', () => {
    expect(audienceBody({ ...EMPTY_AUDIENCE, listId: 'l1' }, undefined)).toBeUndefined();
    expect(audienceBody({ ...EMPTY_AUDIENCE, listId: 'l1', where: [{ field: ' ', op: 'eq', value: '' }] }, undefined)).toBeUndefined();
  });

  it.each([
    [{ excludeListIds: ['l2'] }, undefined, { listIds: ['l1'], excludeListIds: ['l2'] }],
    [{ where: [{ field: 'country', op: 'eq', value: 'DE' }] }, undefined, { listIds: ['l1'], where: [{ field: 'country', op: 'eq', value: 'DE' }] }],
    [{ segmentId: 's1' }, undefined, { listIds: ['l1'], segmentId: 's1' }],
    [{}, { campaignId: 'c1', filter: 'failed' }, { listIds: ['l1'], fromCampaign: { campaignId: 'c1', filter: 'failed' } }],
  ])('%j with %j', (patch, fromCampaign, expected) => {
    expect(audienceBody({ ...EMPTY_AUDIENCE, listId: 'l1', ...patch }, fromCampaign)).toEqual(expected);
  });
});
