/**
 * The New campaign form's audience (screens/audience-builder.tsx) → the API's `audience`
 * (docs/api.md § Audiences and segments). Pure.
 */
import type { Audience, FromCampaign, WhereClause, WhereOp } from '../api/types';

/** A condition as the form holds it: the value as typed (a comma-separated list for in / notIn). */
export interface ConditionDraft {
  field: string;
  op: WhereOp;
  value: string;
}

export interface AudienceChoice {
  listId: string;
  excludeListIds: string[];
  where: ConditionDraft[];
  segmentId: string;
  fromCampaign: FromCampaign | null;
}

export const EMPTY_AUDIENCE: AudienceChoice = { listId: '', excludeListIds: [], where: [], segmentId: '', fromCampaign: null };

/** Operators in the order the form offers them, with the words it shows. */
export const OPERATORS: ReadonlyArray<readonly [WhereOp, string]> = [
  ['eq', 'is'],
  ['neq', 'is not'],
  ['in', 'is one of'],
  ['notIn', 'is none of'],
  ['contains', 'contains'],
  ['exists', 'is set'],
  ['notExists', 'is not set'],
  ['before', 'is before'],
  ['after', 'is on or after'],
  ['gt', 'is more than'],
  ['lt', 'is less than'],
];

export const takesNoValue = (op: WhereOp): boolean => op === 'exists' || op === 'notExists';

/** One condition for the API, or null while its field is still empty. */
export function whereClause(draft: ConditionDraft): WhereClause | null {
  const field = draft.field.trim();
  if (!field) return null;
  if (takesNoValue(draft.op)) return { field, op: draft.op };
  const text = draft.value.trim();
  if (draft.op === 'in' || draft.op === 'notIn') {
    return { field, op: draft.op, value: text.split(',').map((part) => part.trim()).filter(Boolean) };
  }
  if (draft.op === 'gt' || draft.op === 'lt') {
    const number = Number(text);
    // a non-number goes as typed: the engine's 400 names the clause
    return { field, op: draft.op, value: text !== '' && Number.isFinite(number) ? number : text };
  }
  return { field, op: draft.op, value: text };
}

/** The `audience` for the API (campaign, preview, segment), or null when it names nobody yet. */
export function audienceBody(choice: AudienceChoice): Audience | null {
  if (!choice.listId && !choice.segmentId && !choice.fromCampaign) return null;
  const where = choice.where.map(whereClause).filter((clause): clause is WhereClause => clause !== null);
  return {
    ...(choice.listId ? { listIds: [choice.listId] } : {}),
    ...(choice.excludeListIds.length ? { excludeListIds: choice.excludeListIds } : {}),
    ...(where.length ? { where } : {}),
    ...(choice.fromCampaign ? { fromCampaign: choice.fromCampaign } : {}),
    ...(choice.segmentId ? { segmentId: choice.segmentId } : {}),
  };
}

/** A campaign's target: `listId` when one list says it all (the shorthand), else `audience`. */
export function campaignTarget(choice: AudienceChoice): { listId: string } | { audience: Audience } | null {
  const audience = audienceBody(choice);
  if (!audience) return null;
  const onlyList = Object.keys(audience).length === 1 && audience.listIds?.length === 1;
  return onlyList ? { listId: choice.listId } : { audience };
}

/** A segment stores an audience without segmentId (segments do not nest). */
export function segmentAudience(choice: AudienceChoice): Audience | null {
  return audienceBody({ ...choice, segmentId: '' });
}

/** "Send again to…": who of an earlier campaign's recipients. */
export type AgainKind = 'not_read' | 'failed' | 'not_replied';

export const AGAIN_LABELS: Record<AgainKind, string> = { not_read: 'did not read', failed: 'failed', not_replied: 'did not reply' };

export function againAudience(kind: AgainKind, campaignId: string): FromCampaign {
  switch (kind) {
    case 'not_read':
      return { campaignId, statuses: ['sent', 'delivered'] };
    case 'failed':
      return { campaignId, statuses: ['failed'] };
    case 'not_replied':
      return { campaignId, replied: false };
  }
}

export const isAgainKind = (value: string | null): value is AgainKind => value === 'not_read' || value === 'failed' || value === 'not_replied';

/** A saved audience in words, for the campaign's page: "lists A or B; not in C; city is Berlin; …". */
export function describeAudience(audience: Audience, listName: (id: string) => string, segmentName: (id: string) => string): string {
  const parts: string[] = [];
  if (audience.listIds?.length) parts.push(`in ${audience.listIds.map(listName).join(' or ')}`);
  if (audience.segmentId) parts.push(`in segment ${segmentName(audience.segmentId)}`);
  const from = audience.fromCampaign;
  if (from) {
    const narrow = [
      from.statuses?.length ? `now ${from.statuses.join(' or ')}` : '',
      from.replied === true ? 'who replied' : from.replied === false ? 'who did not reply' : '',
      from.clickedButton ? `who tapped “${from.clickedButton}”` : '',
    ].filter(Boolean);
    parts.push(`recipients of campaign ${from.campaignId}${narrow.length ? ` ${narrow.join(', ')}` : ''}`);
  }
  for (const clause of audience.where ?? []) {
    const label = OPERATORS.find(([op]) => op === clause.op)?.[1] ?? clause.op;
    const value = clause.value === undefined ? '' : ` ${Array.isArray(clause.value) ? clause.value.join(', ') : String(clause.value)}`;
    parts.push(`${clause.field} ${label}${value}`);
  }
  if (audience.excludeListIds?.length) parts.push(`not in ${audience.excludeListIds.map(listName).join(' or ')}`);
  return parts.join('; ');
}
