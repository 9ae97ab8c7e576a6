import { getCountry, getTimezone } from 'countries-and-timezones';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js';

/**
 * Where a recipient's time zone comes from when a campaign's send window is in recipient-local time
 * (`sendWindow.timezone: "recipient"`), in this order:
 *   1. the contact's `timezone` attribute, when it is a zone PostgreSQL knows;
 *   2. the number's country, when that country has one zone — countries-and-timezones for the zones,
 *      libphonenumber-js for the calling codes. A country whose zones all keep the same offsets
 *      (standard and summer) counts as one (Germany: Berlin and Büsingen's Zurich); a calling code shared
 *      by several countries counts when all their zones do (+44: GB, GG, IM, JE are all London time);
 *   3. the campaign's `fallbackTimezone`.
 * This file builds the table for step 2 (pure); the SQL that applies all three at launch is
 * RESOLVE_RECIPIENT_ZONES (recipient-launch-zone.queries.ts).
 */
export interface CallingCodeZone {
  /** Country calling code, digits only: E.164 codes are prefix-free, so at most one matches a number. */
  callingCode: string;
  zone: string;
}

function zonesOf(country: string): string[] {
  return getCountry(country)?.timezones ?? [];
}

function offsetsOf(zone: string): string | null {
  const info = getTimezone(zone);
  return info ? `${info.utcOffset}/${info.dstOffset}` : null;
}

/** The one zone of a set whose members all keep the same offsets; null when they differ (or none). */
export function singleZone(zones: readonly string[]): string | null {
  if (zones.length === 0) return null;
  const offsets = new Set(zones.map(offsetsOf));
  return offsets.size === 1 && !offsets.has(null) ? zones[0] : null;
}

let table: CallingCodeZone[] | null = null;

/** Calling codes whose countries together have one zone, e.g. {49, Europe/Berlin}; +1 and +7 are not among them. */
export function callingCodeZones(): CallingCodeZone[] {
  if (table) return table;
  const byCode = new Map<string, string[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    byCode.set(code, [...(byCode.get(code) ?? []), ...zonesOf(country)]);
  }
  table = [];
  for (const [callingCode, zones] of byCode) {
    const zone = singleZone(zones);
    if (zone) table.push({ callingCode, zone });
  }
  return table;
}
