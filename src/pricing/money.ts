/**
 * Money as integer micro-units (millionths of the currency unit): a price of 0.1131 EUR is 113100.
 * Sums and products stay integers, so a thousand messages at 0.1131 cost exactly 113.1 — no float
 * drift. Amounts leave the API as decimal strings made from those integers (formatMicros).
 */

export const MICROS_PER_UNIT = 1_000_000;

/** A card price (a JSON number) in micro-units; null when negative, not finite or finer than 6 decimals. */
export function toMicros(price: number): number | null {
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) return null;
  const scaled = price * MICROS_PER_UNIT;
  const micros = Math.round(scaled);
  // 0.1131 * 1e6 is 113099.99999999999 in binary floating point: accept what rounds within a rounding error.
  if (Math.abs(scaled - micros) > 1e-6 * Math.max(1, Math.abs(scaled)) || !Number.isSafeInteger(micros)) return null;
  return micros;
}

/** Integer micro-units as a decimal string: at least two decimals, at most six, no trailing zeros beyond two. */
export function formatMicros(micros: number): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`not an integer amount of micro-units: ${micros}`);
  const sign = micros < 0 ? '-' : '';
  const absolute = Math.abs(micros);
  const units = Math.floor(absolute / MICROS_PER_UNIT);
  const fraction = String(absolute % MICROS_PER_UNIT).padStart(6, '0').replace(/0{1,4}$/, '');
  return `${sign}${units}.${fraction.padEnd(2, '0')}`;
}
