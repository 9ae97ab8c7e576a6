import { z } from 'zod';
import { toMicros } from './money.js';

/**
 * The rate card: what one delivered template message costs, per pricing category and recipient
 * calling code (README § Rate card). Read from the JSON file PRICING_RATE_CARD names; checked here,
 * entry by entry, so a malformed card stops the engine at start with a message naming the bad entry.
 */

/** WhatsApp's per-message pricing categories (docs/whatsapp-api.md § Pricing on statuses), lower case as statuses carry them. */
export const PRICING_CATEGORIES = [
  'marketing',
  'marketing_lite',
  'utility',
  'authentication',
  'authentication_international',
  'service',
  'referral_conversion',
] as const;

/** The longest calling-code prefix a card may use: a country calling code (1–3 digits) or a NANP "1" + area code. */
export const MAX_CALLING_CODE_DIGITS = 4;

/** The fallback calling code: any recipient no longer prefix matches. */
export const ANY_CALLING_CODE = '*';

export interface RateCardEntry {
  /** Digits (1–4), or "*" for every other number. */
  callingCode: string;
  category: string;
  /** The price as the card wrote it. */
  price: number;
  /** The price in micro-units (money.ts). */
  micros: number;
}

export interface RateCard {
  name: string;
  /** ISO 4217, e.g. EUR. */
  currency: string;
  rates: RateCardEntry[];
}

export class RateCardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateCardError';
  }
}

const entrySchema = z
  .object({
    callingCode: z
      .string({ error: 'must be a string of 1 to 4 digits, or "*"' })
      .regex(/^(\*|\d{1,4})$/, 'must be 1 to 4 digits (a country calling code such as "49", or "1" plus an area code such as "1242"), or "*" for the fallback'),
    category: z.enum(PRICING_CATEGORIES, { error: `must be one of ${PRICING_CATEGORIES.join(', ')}` }),
    price: z
      .number({ error: 'must be a JSON number such as 0.0456' })
      .refine((price) => toMicros(price) !== null, 'must be a number ≥ 0 with at most 6 decimals'),
  })
  .strict();

const cardSchema = z
  .object({
    name: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty'),
    currency: z.string({ error: 'must be a string' }).regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals such as EUR or USD'),
    rates: z.array(z.unknown(), { error: 'must be an array of {callingCode, category, price}' }).min(1, 'must list at least one price'),
  })
  .strict();

/** Parses and checks a card; throws RateCardError naming `source` and the first bad entry. */
export function parseRateCard(text: string, source: string): RateCard {
  const fail = (what: string): never => {
    throw new RateCardError(`The rate card ${source} is not valid: ${what}. Fix the file (README § Rate card shows the format)`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`it is not JSON (${(error as Error).message})`);
  }
  const card = cardSchema.safeParse(json);
  if (!card.success) return fail(describe(card.error));

  const rates: RateCardEntry[] = [];
  const seen = new Map<string, number>();
  card.data.rates.forEach((raw, index) => {
    const entry = entrySchema.safeParse(raw);
    const shown = `rates[${index}] ${JSON.stringify(raw)?.slice(0, 120)}`;
    if (!entry.success) return fail(`${shown}: ${describe(entry.error)}`);
    const key = `${entry.data.callingCode}\u0000${entry.data.category}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return fail(`${shown}: repeats rates[${earlier}] (the same callingCode and category may be priced once)`);
    seen.set(key, index);
    rates.push({ ...entry.data, micros: toMicros(entry.data.price)! });
  });
  return { name: card.data.name, currency: card.data.currency, rates };
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return issue.code === 'unrecognized_keys' ? `${path}unknown field(s) ${issue.keys.join(', ')}` : `${path}${issue.message}`;
    })
    .join('; ');
}
