import { ANY_CALLING_CODE, MAX_CALLING_CODE_DIGITS, type RateCard } from './rate-card.js';

/**
 * Prices from a rate card: the longest calling-code prefix of the recipient's number that the card
 * prices for the category wins, then "*". A category the card does not price costs nothing, and says
 * so (`priced: false`). MARKETING_LITE (the Marketing Messages API) and AUTHENTICATION_INTERNATIONAL
 * fall back to MARKETING and AUTHENTICATION when the card has no line of their own.
 */

/** What a card asks for one message: its price, and the card line that set it. */
export interface UnitPrice {
  priced: boolean;
  /** Micro-units; 0 when not priced. */
  micros: number;
  /** The matched line's calling code ("*" for the fallback); null when not priced. */
  callingCode: string | null;
  /** The category whose line matched (a fallback category when the card has none of its own). */
  category: string | null;
}

const CATEGORY_FALLBACK: Record<string, string> = {
  marketing_lite: 'marketing',
  authentication_international: 'authentication',
};

/** Pricing types that cost nothing whatever the card says (docs/whatsapp-api.md § Pricing on statuses). */
export const FREE_PRICING_TYPES = ['free_customer_service', 'free_entry_point'] as const;

export class RatePlan {
  private readonly byCategory = new Map<string, Map<string, number>>();

  constructor(readonly card: RateCard) {
    for (const rate of card.rates) {
      let prices = this.byCategory.get(rate.category);
      if (!prices) this.byCategory.set(rate.category, (prices = new Map()));
      prices.set(rate.callingCode, rate.micros);
    }
  }

  /** The price of one message of `category` to `digits` (a wa_id, or its first digits). */
  priceFor(digits: string, category: string | null): UnitPrice {
    const wanted = category?.toLowerCase() ?? null;
    for (const candidate of wanted === null ? [] : [wanted, CATEGORY_FALLBACK[wanted]]) {
      const prices = candidate === undefined ? undefined : this.byCategory.get(candidate);
      if (!prices) continue;
      for (let length = Math.min(MAX_CALLING_CODE_DIGITS, digits.length); length >= 1; length--) {
        const micros = prices.get(digits.slice(0, length));
        if (micros !== undefined) return { priced: true, micros, callingCode: digits.slice(0, length), category: candidate! };
      }
      const fallback = prices.get(ANY_CALLING_CODE);
      if (fallback !== undefined) return { priced: true, micros: fallback, callingCode: ANY_CALLING_CODE, category: candidate! };
    }
    return { priced: false, micros: 0, callingCode: null, category: null };
  }
}

/** A message's pricing as stored from its statuses (campaign_recipients.pricing_*, billable). */
export interface StoredPricing {
  category: string | null;
  type: string | null;
  billable: boolean | null;
}

/**
 * Whether WhatsApp charges the message: it carried per-message pricing with a category, `billable` is
 * not false (the field is deprecated: absent counts as billable), and its type is not a free one.
 * The trigger of migration CampaignCosts counts `billed:<category>` by the same rule.
 */
export function isCharged(pricing: StoredPricing): boolean {
  if (pricing.category === null || pricing.category === '') return false;
  if (pricing.billable === false) return false;
  return !(FREE_PRICING_TYPES as readonly string[]).includes((pricing.type ?? '').toLowerCase());
}
