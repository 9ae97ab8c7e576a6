/**
 * A campaign's validUntil: no message of it goes out later (131049 retries end failed instead). Set on
 * create/update, else its scheduled time plus DEFAULT_VALIDITY_DAYS. One rule, in TypeScript for the API
 * and in SQL for the sender's claim and the status statements, so they cannot drift.
 */
export const DEFAULT_VALIDITY_DAYS = 7;

export function effectiveValidUntil(campaign: { validUntil: Date | null; scheduledAt: Date | null }): Date | null {
  if (campaign.validUntil) return campaign.validUntil;
  return campaign.scheduledAt ? new Date(campaign.scheduledAt.getTime() + DEFAULT_VALIDITY_DAYS * 24 * 3_600_000) : null;
}

/** The same as SQL over a campaigns row aliased `alias`. */
export function validUntilSql(alias: string): string {
  return `coalesce(${alias}.valid_until, ${alias}.scheduled_at + interval '${DEFAULT_VALIDITY_DAYS} days')`;
}
