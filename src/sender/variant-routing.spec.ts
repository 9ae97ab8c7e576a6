import { claimSettings, sendingFor, type VariantCampaign } from './variant-routing.js';

const template = (name: string) => ({ name, language: 'en', components: [] });
const abTest = (categories: Record<string, string | null>): VariantCampaign => ({
  id: 'c1',
  template: template('promo'),
  template_category: 'MARKETING',
  marketing: true,
  frequency_cap: null,
  variants: [
    { name: 'A', weight: 50, template: template('promo') },
    { name: 'B', weight: 50, template: template('order') },
  ],
  variant_categories: categories,
});
const plain: VariantCampaign = { ...abTest({}), template: template('order'), template_category: 'UTILITY', marketing: false, variants: null, variant_categories: null };

describe('sendingFor: what an A/B recipient is sent and routed by', () => {
  it.each([
    ['variant A (MARKETING)', abTest({ A: 'MARKETING', B: 'UTILITY' }), 'A', 'promo', 'MARKETING', true],
    ['variant B (UTILITY)', abTest({ A: 'MARKETING', B: 'UTILITY' }), 'B', 'order', 'UTILITY', false],
    ['a variant the registry does not know counts as MARKETING', abTest({ A: 'MARKETING', B: null }), 'B', 'order', null, true],
    ['no variant yet (held): the campaign template', abTest({ A: 'MARKETING', B: 'UTILITY' }), null, 'promo', 'MARKETING', true],
    ['an unknown variant name: the campaign template', abTest({ A: 'MARKETING', B: 'UTILITY' }), 'Z', 'promo', 'MARKETING', true],
    ['a campaign without variants', plain, null, 'order', 'UTILITY', false],
  ])('%s', (_name, campaign, variant, templateName, category, marketing) => {
    expect(sendingFor(campaign, variant)).toEqual({ template: template(templateName), templateCategory: category, marketing });
  });
});

describe('claimSettings: one row per campaign and variant', () => {
  it.each([
    ['engine cap, A/B of MARKETING and UTILITY', [abTest({ A: 'MARKETING', B: 'UTILITY' })], { max: 1, hours: 24 }, [
      { id: 'c1', variant: null, marketing: true, frequencyCap: { max: 1, hours: 24 } },
      { id: 'c1', variant: 'A', marketing: true, frequencyCap: { max: 1, hours: 24 } },
      { id: 'c1', variant: 'B', marketing: false, frequencyCap: null },
    ]],
    ['no cap anywhere', [plain], undefined, [{ id: 'c1', variant: null, marketing: false, frequencyCap: null }]],
  ])('%s', (_name, campaigns, cap, expected) => {
    expect(claimSettings(campaigns, cap)).toEqual(expected);
  });
});
