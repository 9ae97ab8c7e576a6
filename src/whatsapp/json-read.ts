/**
 * Reading JSON that WhatsApp or 360dialog sent, liberally: shared by the webhook, account-event and
 * template readers, so that a string, an object and a timestamp are read the same way everywhere.
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string (or a finite number, as text) without NUL (PostgreSQL text cannot hold it), cut to maxLength; null when empty. */
export function cleanString(value: unknown, maxLength: number): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') return null;
  const cleaned = value.replace(/\u0000/g, '').slice(0, maxLength);
  return cleaned.length > 0 ? cleaned : null;
}

/** cleanString, trimmed; null when nothing but spaces is left. */
export function trimmedString(value: unknown, maxLength: number): string | null {
  return cleanString(value, maxLength)?.trim() || null;
}

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

/** Unix seconds (string or number), milliseconds tolerated, between 2000 and 2200; anything else → null. */
export function webhookTime(value: unknown): Date | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number)) return null;
  const millis = number > 1e11 ? number : number * 1000;
  return millis >= MIN_TIME && millis <= MAX_TIME ? new Date(Math.trunc(millis)) : null;
}
