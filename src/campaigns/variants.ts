/**
 * A/B variants of a campaign (pure rules). A campaign with `variants` sends each recipient the template
 * of the variant it was given at launch: a hash of (campaign id, contact id) into BUCKETS buckets,
 * split by weight (recipient-variants.queries.ts computes it in SQL with the bounds from here), so the
 * split is deterministic — the same recipient always gets the same variant — and follows the weights.
 *
 * With `winner`, only the test share (the buckets below testShare %) is split and sent at launch; the
 * rest are held (pending, waiting_reason `ab_test`, variant NULL) until the scheduler picks the variant
 * with the best rate of `metric` among its sent test recipients, `afterHours` after launch, and gives
 * it to all of them (pickWinner).
 */
import type { Template } from '../whatsapp/types.js';

export interface CampaignVariant {
  name: string;
  template: Template;
  weight: number;
}

export const WINNER_METRICS = ['read', 'replied', 'clicked'] as const;
export type WinnerMetric = (typeof WINNER_METRICS)[number];

export interface WinnerRule {
  metric: WinnerMetric;
  /** Percent of the audience in the test (1–99); the rest gets the winner. */
  testShare: number;
  /** Hours after launch at which the winner is picked. */
  afterHours: number;
}

/** Buckets recipients are hashed into: a share is a whole number of buckets (0.01 % each). */
export const BUCKETS = 10_000;

/** The waiting_reason of recipients held back for the winner. */
export const AB_TEST_WAIT = 'ab_test';

/** What is wrong with these variants (and winner rule), each naming what to fix; empty when they are fine. */
export function variantProblems(variants: readonly Pick<CampaignVariant, 'name' | 'weight'>[], winner?: WinnerRule | null): string[] {
  const problems: string[] = [];
  if (variants.length < 2) problems.push('variants: give at least two variants (or one template instead)');
  const seen = new Set<string>();
  for (const [index, variant] of variants.entries()) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(variant.name)) problems.push(`variants[${index}].name must be 1–64 letters, digits, _ or - (got "${variant.name}")`);
    if (seen.has(variant.name)) problems.push(`variants[${index}].name "${variant.name}" is used twice: names must be unique`);
    seen.add(variant.name);
    if (!Number.isInteger(variant.weight) || variant.weight < 1 || variant.weight > 1000) problems.push(`variants[${index}].weight must be a whole number from 1 to 1000`);
  }
  if (winner) {
    if (!(WINNER_METRICS as readonly string[]).includes(winner.metric)) problems.push(`winner.metric must be one of ${WINNER_METRICS.join(', ')}`);
    if (!Number.isInteger(winner.testShare) || winner.testShare < 1 || winner.testShare > 99) problems.push('winner.testShare must be a whole percent from 1 to 99');
    if (!(winner.afterHours > 0 && winner.afterHours <= 720)) problems.push('winner.afterHours must be more than 0 and at most 720 (30 days)');
  }
  return problems;
}

/**
 * Upper bucket bounds per variant, cumulative over [0, BUCKETS): a position p belongs to the first
 * variant whose bound is above p. The last bound is always BUCKETS.
 */
export function variantBounds(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let running = 0;
  return weights.map((weight, index) => {
    running += weight;
    return index === weights.length - 1 ? BUCKETS : Math.round((running * BUCKETS) / total);
  });
}

/** Buckets below this are the test share (all of them without a winner rule). */
export function testBound(winner: WinnerRule | null | undefined): number {
  return winner ? Math.round((winner.testShare * BUCKETS) / 100) : BUCKETS;
}

/** The variant of a bucket (as the SQL computes it), or null when it is held for the winner. */
export function variantOfBucket(bucket: number, bounds: readonly number[], names: readonly string[], test: number): string | null {
  if (bucket >= test) return null;
  const position = Math.floor((bucket * BUCKETS) / test);
  const index = bounds.findIndex((bound) => position < bound);
  return names[index === -1 ? names.length - 1 : index];
}

export interface VariantResult {
  name: string;
  /** Test recipients the message reached WhatsApp for (sent_at set). */
  sent: number;
  read: number;
  replied: number;
  clicked: number;
}

/** The variant with the best rate of `metric` per sent message; ties (and nothing sent) go to the earlier variant. */
export function pickWinner(results: readonly VariantResult[], metric: WinnerMetric): string {
  let best = results[0];
  let bestRate = -1;
  for (const result of results) {
    const rate = result.sent > 0 ? result[metric] / result.sent : 0;
    if (rate > bestRate) {
      best = result;
      bestRate = rate;
    }
  }
  return best.name;
}

/** The template a recipient is sent: its variant's, else the campaign's. */
export function templateFor(campaign: { template: Template; variants: readonly CampaignVariant[] | null }, variant: string | null): Template {
  return campaign.variants?.find((candidate) => candidate.name === variant)?.template ?? campaign.template;
}
