// Metadata choice: "max". It checks each country's number ranges, not only the length ("min"), so it
// rejects more of the garbage found in real exports (wrong mobile prefixes, unassigned ranges). Not
// "mobile": WhatsApp also runs on fixed-line and VoIP numbers. The metadata is passed explicitly
// (libphonenumber-js/core), so this import is the one place that decides it.
// Speed, measured here: the library's parser ≈ 70,000 numbers/s (min and max alike), ≈ 130,000/s once
// its patterns are compiled once (patches/libphonenumber-js*), ≈ 650,000/s through the direct path
// below (clean digits of a country that owns its calling code), which a test keeps equal to the parser.
import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  type MetadataJson,
  Metadata,
  parsePhoneNumberFromString,
  PhoneNumber,
} from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/max/metadata';

const METADATA = metadataJson as MetadataJson;

export type PhoneRejectReason =
  | 'missing phone'
  | 'invalid phone number'
  | 'phone number without country code'
  | 'phone number in scientific notation';

export interface NormalisedPhone {
  /** E.164, e.g. +4915112345678 */
  phone: string;
  /** Digits of the E.164 number: how WhatsApp names the user. */
  waId: string;
  /** ISO 3166 alpha-2 of the number, null for non-geographic numbers (+800 …). */
  country: string | null;
}

export type PhoneResult = { ok: true; value: NormalisedPhone } | { ok: false; reason: PhoneRejectReason };

export interface PhoneOptions {
  /** ISO alpha-2 for numbers written without a country code. */
  defaultCountry?: string | null;
  /** The value is known to be international (a wa_id column): digits without "+" still carry the country code. */
  international?: boolean;
}

/** Upper-cased ISO alpha-2 when libphonenumber-js knows the country, else null. */
export function toCountryCode(value: string | null | undefined): CountryCode | null {
  if (!value) return null;
  const upper = value.trim().toUpperCase();
  return upper.length === 2 && isSupportedCountry(upper as CountryCode, METADATA) ? (upper as CountryCode) : null;
}

// Excel turns long digit strings into 4.91511E+12: the digits are gone, say so.
const SCIENTIFIC = /^[+-]?\d(?:[.,]\d+)?e\+?\d+$/i;
// "+49 (0) 151 …": the bracketed trunk zero must go before the brackets do.
const TRUNK_ZERO = /\(\s*0\s*\)/g;
// Separators people type: spaces of every kind, dashes of every kind, dots, slashes, brackets.
const SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000().\-\u2010-\u2015/]/g;
const DIGITS_ONLY = /^\d+$/;

/**
 * Normalises a phone number as typed in a spreadsheet to E.164: "+49 151 1234 5678", "0049…",
 * "(0151) 123-45678" with defaultCountry DE, "4915112345678" (digits with the country code).
 */
export function normalisePhone(raw: string | null | undefined, options: PhoneOptions = {}): PhoneResult {
  let text = raw ? raw.trim() : '';
  if (text === '') return { ok: false, reason: 'missing phone' };
  if (SCIENTIFIC.test(text)) return { ok: false, reason: 'phone number in scientific notation' };
  if (text.startsWith('tel:')) text = text.slice(4);
  if (text.includes('(')) text = text.replace(TRUNK_ZERO, '');
  text = text.replace(SEPARATORS, '');

  let international = false;
  if (text.startsWith('+')) {
    international = true;
    text = text.slice(1);
  } else if (text.startsWith('00')) {
    international = true;
    text = text.slice(2);
  }
  if (text.length === 0 || !DIGITS_ONLY.test(text) || text.length > 17) return invalid();

  if (international || options.international) return parseInternational(text);
  const country = toCountryCode(options.defaultCountry);
  // No country code starts with 0: a leading 0 is a trunk prefix (or part of an Italian number).
  if (text.startsWith('0')) {
    if (!country) return { ok: false, reason: 'phone number without country code' };
    return fastNational(text, country) ?? parseWithLibrary(text, country) ?? invalid();
  }
  if (!country) return parseInternational(text);
  // Digits without "+" and without a trunk 0 are often an international number whose "+" was lost
  // (CRM and WhatsApp exports). Starting with the default country's own calling code, that reading
  // wins: "4915112345678" with DE is +49 151…, not a Leer (0491) landline. Otherwise the national
  // reading wins, and the international one is the fallback ("447911123456" with FR is British).
  if (text.startsWith(getCountryCallingCode(country, METADATA))) {
    const asInternational = fastInternational(text) ?? parseWithLibrary(`+${text}`, undefined);
    if (asInternational) return asInternational;
  }
  return parseWithLibrary(text, country) ?? parseInternational(text);
}

function parseInternational(digits: string): PhoneResult {
  // Too short for any country: invalid without asking the parser, which says so by throwing (and
  // catching) an error, the dearest thing it does (~4% of an import's CPU for the 1% of rows like
  // "+49 151" or "+1 555").
  if (digits.length < MIN_INTERNATIONAL_DIGITS) return invalid();
  return fastInternational(digits) ?? parseWithLibrary(`+${digits}`, undefined) ?? invalid();
}

/**
 * The fewest digits (calling code + national number) of a valid number of any numbering plan: the
 * shortest calling code plus national number length the metadata allows (6: +43 and a 4-digit
 * number). The library finds nothing shorter valid: a national number of a length outside its plan's
 * possible lengths is never valid. phone.spec.ts checks every digit string shorter than this.
 */
export const MIN_INTERNATIONAL_DIGITS = (() => {
  let min = Infinity;
  for (const [code, countries] of Object.entries(callingCodesOf(METADATA))) {
    for (const country of countries) {
      const metadata = new Metadata(METADATA);
      metadata.selectNumberingPlan((country === '001' ? code : country) as CountryCode); // 001: non-geographic (+800 …)
      const lengths = (metadata.numberingPlan as unknown as { possibleLengths(): number[] }).possibleLengths();
      min = Math.min(min, code.length + Math.min(...lengths));
    }
  }
  return min;
})();

function callingCodesOf(metadata: MetadataJson): Record<string, string[]> {
  return (metadata as unknown as { country_calling_codes: Record<string, string[]> }).country_calling_codes;
}

/** The library's own parser: every format, every country. */
export function parseWithLibrary(text: string, country: CountryCode | undefined): PhoneResult | null {
  const parsed = country ? parsePhoneNumberFromString(text, country, METADATA) : parsePhoneNumberFromString(text, METADATA);
  if (!parsed || !parsed.isValid()) return null;
  const phone = parsed.number as string;
  return { ok: true, value: { phone, waId: phone.slice(1), country: parsed.country ?? null } };
}

function invalid(): PhoneResult {
  return { ok: false, reason: 'invalid phone number' };
}

// ---------------------------------------------------------------------------------------------
// Direct path. The parser spends most of its time on generality (option objects, metadata objects,
// text extraction) that clean digits do not need. For the common cases - "+" and digits whose
// calling code belongs to one country only, or a national number after a plain trunk prefix - the
// national significant number is known, and PhoneNumber(country, nsn).isValid() is the same check
// the parser ends with. A calling code shared by several countries (+1, +44, +7 …) is resolved to
// one of them as the parser does (getCountryByNationalNumber: the first country, in the metadata's
// order, whose leading digits the number starts with or, for a country without them, whose number
// types it matches). Only a valid answer is taken; anything else (a national prefix the parser might
// strip, a number no country claims, an invalid number) goes to the parser, so the result is always
// the parser's. phone.spec.ts compares both on numbers of every country.
// ---------------------------------------------------------------------------------------------

interface Plan {
  country: CountryCode;
  callingCode: string;
  /** The parser would try to strip a national prefix or carrier code from an NSN matching this. */
  prefixForParsing: RegExp | null;
  /** A plain-digit trunk prefix ("0") the parser strips from national numbers, or null when it is more involved. */
  trunk: string | null;
  /** The country's international call prefix: such numbers are international, not national. */
  idd: RegExp | null;
  /** The countries sharing the calling code, the "main" one first; one entry when it is not shared. */
  sharers: string[];
  /** Leading digits that claim a number for this country among those sharing its calling code. */
  leadingDigits: RegExp | null;
  /** Whether the metadata has number types for the country (always, for countries sharing a calling code). */
  hasTypes: boolean;
  /** The country's national number pattern, anchored. */
  general: RegExp;
  /** Number types with a pattern (fixed line, mobile, toll free …): a valid number matches one. */
  types: Array<{ pattern: RegExp; lengths: number[] | undefined }>;
}

/** The types libphonenumber-js's getNumberType tries (FIXED_LINE, then NON_FIXED_LINE_PHONE_TYPES). */
const NUMBER_TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

const plans = new Map<string, Plan | null>();
const callingCodes = callingCodesOf(METADATA);

function entirely(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function planOf(country: CountryCode): Plan | null {
  let plan = plans.get(country);
  if (plan !== undefined) return plan;
  const metadata = new Metadata(METADATA);
  metadata.selectNumberingPlan(country);
  const numbering = metadata.numberingPlan as unknown as {
    nationalPrefix(): string | undefined;
    leadingDigits(): string | undefined;
    nationalPrefixForParsing(): string | undefined;
    nationalPrefixTransformRule(): string | undefined;
    IDDPrefix(): string | undefined;
    callingCode(): string;
    nationalNumberPattern(): string;
    hasTypes(): boolean;
    type(name: string): { pattern(): string | undefined; possibleLengths(): number[] | undefined } | undefined;
  };
  const prefix = numbering.nationalPrefix();
  const forParsing = numbering.nationalPrefixForParsing();
  const plainTrunk = prefix !== undefined && /^\d+$/.test(prefix) && forParsing === prefix && !numbering.nationalPrefixTransformRule();
  const idd = numbering.IDDPrefix();
  // Without types in the metadata the library checks the national number pattern only.
  const types = numbering.hasTypes()
    ? NUMBER_TYPES.flatMap((name) => {
        const type = numbering.type(name);
        const pattern = type?.pattern();
        return type && pattern ? [{ pattern: entirely(pattern), lengths: type.possibleLengths() }] : [];
      })
    : [{ pattern: /^/, lengths: undefined }];
  plan = {
    country,
    callingCode: numbering.callingCode(),
    prefixForParsing: forParsing ? new RegExp(`^(?:${forParsing})`) : null,
    trunk: plainTrunk ? prefix : null,
    idd: idd ? new RegExp(`^(?:${idd})`) : null,
    sharers: callingCodes[numbering.callingCode()] ?? [country],
    leadingDigits: numbering.leadingDigits() ? new RegExp(`^(?:${numbering.leadingDigits()})`) : null,
    hasTypes: numbering.hasTypes(),
    general: entirely(numbering.nationalNumberPattern()),
    types,
  };
  plans.set(country, plan);
  return plan;
}

/** "4915123456789" → +49 15123456789, "447400123456" → +44 7400123456 (GB); null when the parser must decide. */
export function fastInternational(digits: string): PhoneResult | null {
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const countries = callingCodes[digits.slice(0, length)];
    if (countries === undefined) continue;
    if (countries[0] === '001') return null;
    // The parser takes the national number with the numbering plan of the code's main country.
    const main = planOf(countries[0] as CountryCode);
    const nsn = digits.slice(length);
    if (!main || main.prefixForParsing?.test(nsn)) return null;
    const plan = countries.length === 1 ? main : countryOf(main.sharers, nsn);
    return plan ? valid(plan, nsn) : null;
  }
  return null;
}

/** "015123456789" in DE → +49 15123456789; null when the parser must decide. */
export function fastNational(text: string, country: CountryCode): PhoneResult | null {
  const plan = planOf(country);
  if (!plan || plan.trunk === null || !text.startsWith(plan.trunk) || plan.idd?.test(text)) return null;
  const nsn = text.slice(plan.trunk.length);
  // The default country only says how the number was dialled: the parser then picks its country among
  // those sharing the calling code ("07624 …" with GB is a number of the Isle of Man).
  const owner = plan.sharers.length === 1 ? plan : countryOf(plan.sharers, nsn);
  return owner ? valid(owner, nsn) : null;
}

/**
 * The country of a national number among those sharing a calling code, as libphonenumber-js's
 * getCountryByNationalNumber picks it; null when none does (the parser then decides).
 */
function countryOf(sharers: readonly string[], nsn: string): Plan | null {
  for (const country of sharers) {
    const plan = planOf(country as CountryCode);
    if (!plan || !plan.hasTypes) return null;
    if (plan.leadingDigits ? plan.leadingDigits.test(nsn) : isValidNationalNumber(plan, nsn)) return plan;
  }
  return null;
}

function valid(plan: Plan, nsn: string): PhoneResult | null {
  if (nsn.length < 2 || !isValidNationalNumber(plan, nsn)) return null;
  const phone = `+${plan.callingCode}${nsn}`;
  return { ok: true, value: { phone, waId: phone.slice(1), country: plan.country } };
}

/**
 * PhoneNumber(country, nsn).isValid() without its per-call objects (metadata wrappers, option objects):
 * the national number pattern, then a number type whose lengths and pattern it fits (getNumberType).
 */
function isValidNationalNumber(plan: Plan, nsn: string): boolean {
  if (!plan.general.test(nsn)) return false;
  for (const type of plan.types) {
    if ((type.lengths === undefined || type.lengths.includes(nsn.length)) && type.pattern.test(nsn)) return true;
  }
  return false;
}

/** The library's verdict on a national number (phone.spec.ts compares it with isValidNationalNumber). */
export function libraryValidity(country: CountryCode, nsn: string): boolean {
  const Constructor = PhoneNumber as unknown as new (country: string, nsn: string, metadata: MetadataJson) => { isValid(): boolean };
  return new Constructor(country, nsn, METADATA).isValid();
}

/** The direct check of a national number (null: the country has no numbering plan here). */
export function directValidity(country: CountryCode, nsn: string): boolean | null {
  const plan = planOf(country);
  return plan ? isValidNationalNumber(plan, nsn) : null;
}
