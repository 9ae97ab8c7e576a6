/**
 * The frequency cap (issue 16): at most `max` MARKETING templates per contact in any `hours`, counted
 * across campaigns and channels of this engine. A pure rule; the claim counts and enforces it
 * (recipient-claim.queries.ts).
 */
export interface FrequencyCap {
  max: number;
  hours: number;
}

export const FREQUENCY_CAP_MAX = 100;
export const FREQUENCY_CAP_HOURS = 720;

/** The problems with a campaign's `frequencyCap`, in words a user can act on (empty when valid). */
export function validateFrequencyCap(cap: { max: unknown; hours: unknown }): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(cap.max) || (cap.max as number) < 1 || (cap.max as number) > FREQUENCY_CAP_MAX) {
    problems.push(`frequencyCap.max must be a whole number from 1 to ${FREQUENCY_CAP_MAX}, got ${JSON.stringify(cap.max)}`);
  }
  if (!Number.isInteger(cap.hours) || (cap.hours as number) < 1 || (cap.hours as number) > FREQUENCY_CAP_HOURS) {
    problems.push(`frequencyCap.hours must be a whole number of hours from 1 to ${FREQUENCY_CAP_HOURS}, got ${JSON.stringify(cap.hours)}`);
  }
  return problems;
}

/**
 * The cap a campaign's recipients are held to: none for a template that is not MARKETING; else the
 * campaign's own, else MARKETING_FREQUENCY_CAP, else none.
 */
export function effectiveFrequencyCap(campaign: { marketing: boolean; frequencyCap: FrequencyCap | null }, engineDefault: FrequencyCap | undefined): FrequencyCap | null {
  if (!campaign.marketing) return null;
  return campaign.frequencyCap ?? engineDefault ?? null;
}
