import metadata from 'libphonenumber-js/min/metadata';
import { type RatePlan } from './rate-plan.js';

/**
 * The arithmetic of the estimate and of the actual cost, over recipients grouped by the first digits
 * of their number (at most MAX_CALLING_CODE_DIGITS: enough for every card line), so a million
 * recipients arrive as a few hundred groups. All sums in integer micro-units (money.ts).
 */

/** Recipients whose numbers start with `prefix`, inside a customer-service window or not. */
export interface AudienceGroup {
  prefix: string;
  /** They wrote to the number in the last 24 h (contacts.last_inbound_at). */
  inWindow: boolean;
  recipients: number;
}

export interface EstimateLine {
  /** The recipients' country calling code (ITU), e.g. "49"; null when the digits name none. */
  callingCode: string | null;
  /** The countries sharing that calling code (ISO 3166 alpha-2), the main one first. */
  countries: string[];
  category: string | null;
  /** The card line that priced them: its calling code, "*" for the fallback; null when not priced. */
  rateCallingCode: string | null;
  recipients: number;
  /** Inside a customer-service window with a UTILITY template: WhatsApp does not charge them. */
  free: number;
  billable: number;
  unitMicros: number;
  amountMicros: number;
  priced: boolean;
}

export interface Estimate {
  recipients: number;
  free: number;
  billable: number;
  totalMicros: number;
  lines: EstimateLine[];
}

/** Calling code → its countries, the main one first (libphonenumber's metadata: "1" → US, AG, AI, …). */
const countriesByCode = new Map<string, string[]>(Object.entries((metadata as { country_calling_codes: Record<string, string[]> }).country_calling_codes));

/** The ITU country calling code the digits start with (1–3 digits), or null. */
export function callingCodeOf(digits: string): string | null {
  for (let length = Math.min(3, digits.length); length >= 1; length--) {
    if (countriesByCode.has(digits.slice(0, length))) return digits.slice(0, length);
  }
  return null;
}

/** The countries of a calling code, the main one first. */
export function countriesOf(callingCode: string | null): string[] {
  return callingCode === null ? [] : (countriesByCode.get(callingCode) ?? []);
}

/**
 * The estimate of sending one template of `category` to the audience: per country calling code and
 * card line, who is billable and what it costs; recipients inside a customer-service window are free
 * when the template is UTILITY (marketing and authentication are charged whenever delivered).
 */
export function estimateCost(groups: readonly AudienceGroup[], category: string | null, plan: RatePlan): Estimate {
  const freeInWindow = category?.toLowerCase() === 'utility';
  const lines = new Map<string, EstimateLine>();
  for (const group of groups) {
    const callingCode = callingCodeOf(group.prefix);
    const price = plan.priceFor(group.prefix, category);
    const key = `${callingCode}\u0000${price.callingCode}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        callingCode,
        countries: countriesOf(callingCode),
        category: category?.toLowerCase() ?? null,
        rateCallingCode: price.callingCode,
        recipients: 0,
        free: 0,
        billable: 0,
        unitMicros: price.micros,
        amountMicros: 0,
        priced: price.priced,
      };
      lines.set(key, line);
    }
    const free = freeInWindow && group.inWindow ? group.recipients : 0;
    line.recipients += group.recipients;
    line.free += free;
    line.billable += group.recipients - free;
    line.amountMicros += (group.recipients - free) * price.micros;
  }
  const sorted = [...lines.values()].sort((a, b) => b.amountMicros - a.amountMicros || (a.callingCode ?? '~').localeCompare(b.callingCode ?? '~'));
  return {
    recipients: sum(sorted, 'recipients'),
    free: sum(sorted, 'free'),
    billable: sum(sorted, 'billable'),
    totalMicros: sum(sorted, 'amountMicros'),
    lines: sorted,
  };
}

/** Charged messages of one stored pricing category whose numbers start with `prefix`. */
export interface ChargedGroup {
  category: string;
  prefix: string;
  messages: number;
}

export interface ActualCost {
  billableMessages: number;
  totalMicros: number;
  byCategory: { category: string; messages: number; amountMicros: number; priced: boolean }[];
}

/** What the charged messages cost by the card: per category, each group at its own card line. */
export function actualCost(groups: readonly ChargedGroup[], plan: RatePlan): ActualCost {
  const byCategory = new Map<string, { category: string; messages: number; amountMicros: number; priced: boolean }>();
  for (const group of groups) {
    const price = plan.priceFor(group.prefix, group.category);
    let line = byCategory.get(group.category);
    if (!line) byCategory.set(group.category, (line = { category: group.category, messages: 0, amountMicros: 0, priced: true }));
    line.messages += group.messages;
    line.amountMicros += group.messages * price.micros;
    line.priced &&= price.priced;
  }
  const lines = [...byCategory.values()].sort((a, b) => a.category.localeCompare(b.category));
  return { billableMessages: sum(lines, 'messages'), totalMicros: sum(lines, 'amountMicros'), byCategory: lines };
}

function sum<K extends string>(rows: readonly Record<K, number>[], key: K): number {
  return rows.reduce((total, row) => total + row[key], 0);
}

