/**
 * REPLACE WITH GENERATED TYPES AFTER MERGE. Shapes other branches are adding to the API at the same
 * time (report cost/engagement/variants, campaign estimate, audience preview, segments, the campaign
 * audience). They are not in this branch's OpenAPI document, so the console reads them through these
 * local interfaces, renders them only when the API returns them, and treats a 404 as "not available".
 * After the merge: delete this file and use components['schemas'][…] from schema.d.ts (api/types.ts).
 */
export interface PendingCost {
  currency: string;
  estimated: number | null;
  actual: number | null;
  billableMessages: number;
  byCategory: Array<{ category: string; messages: number; amount: number }>;
}

export interface PendingEngagement {
  replied: number;
  clicked: number;
  optedOut: number;
  replyRate: number | null;
  buttons: Array<{ payload: string; text: string | null; count: number }>;
}

export interface PendingVariant {
  name: string;
  total: number;
  counts: Record<string, number>;
  reached: { sent: number; delivered: number; read: number };
  engagement?: PendingEngagement;
}

/** Fields the report may carry once the other branches land. */
export interface PendingReportExtras {
  cost?: PendingCost | null;
  engagement?: PendingEngagement | null;
  variants?: PendingVariant[] | null;
}

/** GET /v1/campaigns/:id/estimate (shape assumed from the report's cost). */
export interface PendingEstimate {
  currency: string;
  estimated: number | null;
  billableMessages?: number;
  recipients?: number;
  byCategory?: Array<{ category: string; messages: number; amount: number }>;
}

export interface PendingAudienceCondition {
  field: string;
  op: string;
  value?: unknown;
}

/** The campaign's audience once it is more than a list. */
export interface PendingAudience {
  listIds?: string[];
  excludeListIds?: string[];
  where?: PendingAudienceCondition[];
  fromCampaign?: { campaignId: string; status?: string; filter?: string } | string;
  segmentId?: string;
}

/** POST /v1/audiences/preview */
export interface PendingAudiencePreview {
  count: number;
  excluded?: Record<string, number> | number;
  byCountry?: Array<{ country: string; count: number }> | Record<string, number>;
  sample?: Array<Record<string, unknown>>;
}

export interface PendingSegment {
  id: string;
  name: string;
}

/** Template components may carry their text once the registry returns it. */
export interface PendingComponentText {
  text?: string | null;
}
