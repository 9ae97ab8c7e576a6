/**
 * An audience: who a campaign reaches, as stored on a campaign or a segment (already validated and
 * normalised by audience-rules.ts). Evaluated in SQL at launch and by the preview (audience.queries.ts).
 */

/** Contact columns a `where` clause may name; any other field is an attribute key (contacts.attributes). */
export const TEXT_COLUMNS = ['first_name', 'last_name', 'language', 'country'] as const;
export const DATE_COLUMNS = ['opted_in_at', 'last_inbound_at'] as const;
export type TextColumn = (typeof TEXT_COLUMNS)[number];
export type DateColumn = (typeof DATE_COLUMNS)[number];

export const WHERE_OPS = ['eq', 'neq', 'in', 'notIn', 'contains', 'exists', 'notExists', 'before', 'after', 'gt', 'lt'] as const;
export type WhereOp = (typeof WHERE_OPS)[number];

/** The recipient statuses of an earlier campaign that `fromCampaign.statuses` may name. */
export const RETARGET_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'unknown'] as const;
export type RetargetStatus = (typeof RETARGET_STATUSES)[number];

/**
 * One condition on a contact. `value` is normalised per op: a string for eq/neq/contains, a string
 * array for in/notIn, an ISO 8601 instant (UTC) for before/after, a number for gt/lt, none for
 * exists/notExists.
 */
export type WhereClause =
  | { field: string; op: 'eq' | 'neq' | 'contains' | 'before' | 'after'; value: string }
  | { field: string; op: 'in' | 'notIn'; value: string[] }
  | { field: string; op: 'gt' | 'lt'; value: number }
  | { field: string; op: 'exists' | 'notExists' };

/** Recipients of an earlier campaign, narrowed by status, reply and button (all given conditions hold). */
export interface FromCampaign {
  campaignId: string;
  statuses?: RetargetStatus[];
  replied?: boolean;
  clickedButton?: string;
}

/** The stored form: only what was given. */
export interface Audience {
  listIds?: string[];
  excludeListIds?: string[];
  where?: WhereClause[];
  fromCampaign?: FromCampaign;
  segmentId?: string;
}

/**
 * An audience with its segment read (what the SQL builder takes): a contact belongs when it is in one
 * of listIds (if any), in fromCampaign (if any) and in the segment (if any), matches every `where`
 * clause, and is in none of excludeListIds. At least one of listIds, fromCampaign and segment is set.
 */
export interface ResolvedAudience {
  listIds: string[];
  excludeListIds: string[];
  where: WhereClause[];
  fromCampaign: FromCampaign | null;
  segment: ResolvedAudience | null;
}

/** The stored audience with its segment (already read and resolved) in place of segmentId. */
export function toResolved(audience: Audience, segment: ResolvedAudience | null): ResolvedAudience {
  return { listIds: audience.listIds ?? [], excludeListIds: audience.excludeListIds ?? [], where: audience.where ?? [], fromCampaign: audience.fromCampaign ?? null, segment };
}

/** `listId` of a campaign is shorthand for this audience. */
export const oneList = (listId: string): ResolvedAudience => ({ listIds: [listId], excludeListIds: [], where: [], fromCampaign: null, segment: null });

export const isDateColumn = (field: string): field is DateColumn => (DATE_COLUMNS as readonly string[]).includes(field);
export const isTextColumn = (field: string): field is TextColumn => (TEXT_COLUMNS as readonly string[]).includes(field);
