import type { PendingAudience, PendingAudienceCondition } from '../api/pending';

/** What the New campaign form holds about the audience (see screens/audience-builder.tsx). */
export interface AudienceChoice {
  listId: string;
  excludeListIds: string[];
  where: PendingAudienceCondition[];
  segmentId: string;
}

export const EMPTY_AUDIENCE: AudienceChoice = { listId: '', excludeListIds: [], where: [], segmentId: '' };

/** The `audience` a campaign is created with, or undefined when a plain list (`listId`) says it all. */
export function audienceBody(choice: AudienceChoice, fromCampaign: PendingAudience['fromCampaign'] | undefined): PendingAudience | undefined {
  const where = choice.where.filter((condition) => condition.field.trim());
  if (!choice.excludeListIds.length && !where.length && !choice.segmentId && !fromCampaign) return undefined;
  return {
    listIds: choice.listId ? [choice.listId] : [],
    ...(choice.excludeListIds.length ? { excludeListIds: choice.excludeListIds } : {}),
    ...(where.length ? { where } : {}),
    ...(choice.segmentId ? { segmentId: choice.segmentId } : {}),
    ...(fromCampaign ? { fromCampaign } : {}),
  };
}
