/**
 * What an A/B recipient is sent by: its own variant's template and that template's registry category —
 * which decides the endpoint (/marketing_messages or /messages), whether the frequency cap holds it and
 * whether it counts in the frequency ledger. A recipient of a campaign without variants (or not yet
 * given one) goes by the campaign's template. Pure.
 */
import type { FrequencyCap } from '../campaigns/frequency-cap.js';
import { effectiveFrequencyCap } from '../campaigns/frequency-cap.js';
import type { CampaignVariant } from '../campaigns/variants.js';
import type { Template } from '../whatsapp/types.js';

export interface VariantCampaign {
  id: string;
  template: Template;
  template_category: string | null;
  marketing: boolean;
  frequency_cap: FrequencyCap | null;
  variants: CampaignVariant[] | null;
  variant_categories: Record<string, string | null> | null;
}

export interface VariantSending {
  template: Template;
  /** Registry category (null: unknown to the registry). */
  templateCategory: string | null;
  /** MARKETING by the registry, or unknown to it (the safer guess, as at launch). */
  marketing: boolean;
}

const isMarketing = (category: string | null): boolean => (category ?? 'MARKETING').toUpperCase() === 'MARKETING';

export function sendingFor(campaign: VariantCampaign, variant: string | null): VariantSending {
  const chosen = variant === null ? undefined : campaign.variants?.find((candidate) => candidate.name === variant);
  if (!chosen) return { template: campaign.template, templateCategory: campaign.template_category, marketing: campaign.marketing };
  const category = campaign.variant_categories?.[chosen.name] ?? null;
  return { template: chosen.template, templateCategory: category, marketing: isMarketing(category) };
}

/** The claim's settings: one row per campaign (variant null), and for an A/B test one more per variant. */
export function claimSettings(
  campaigns: readonly VariantCampaign[],
  engineCap: FrequencyCap | undefined,
): Array<{ id: string; variant: string | null; marketing: boolean; frequencyCap: FrequencyCap | null }> {
  return campaigns.flatMap((campaign) =>
    [null, ...(campaign.variants ?? []).map((variant) => variant.name)].map((variant) => {
      const { marketing } = sendingFor(campaign, variant);
      return { id: campaign.id, variant, marketing, frequencyCap: effectiveFrequencyCap({ marketing, frequencyCap: campaign.frequency_cap }, engineCap) };
    }),
  );
}
