/**
 * Which number a D360-API-KEY belongs to (`GET {baseUrl}/v1/configs/phone_number`, seeds: "use it to
 * avoid mixing up keys"), and which Partner API key entry is a given key. Pure: the client and the
 * channels service call these.
 */
import type { PartnerApiKey, PartnerApiKeyList, PhoneNumberAnswer, Unchecked } from './wire.js';

export const PHONE_NUMBER_PATH = '/v1/configs/phone_number';

/** The digits of the number in a /phone_number answer (`"4930…"`, `"+49 30 …"` or a number), or null when it has none. */
export function phoneNumberFrom(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Unchecked<PhoneNumberAnswer>).phone_number;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const digits = text.replace(/\D/g, '');
  return digits.length > 0 ? digits : null;
}

/** The same number, whatever the formatting (E.164 with `+`, spaces, digits only). */
export function samePhoneNumber(a: string, b: string): boolean {
  const digits = (value: string) => value.replace(/\D/g, '');
  return digits(a).length > 0 && digits(a) === digits(b);
}

/** The entries of a Partner API key listing that are well-formed (an id and a key, full or masked). */
export function partnerKeysFrom(body: unknown): PartnerApiKey[] {
  if (typeof body !== 'object' || body === null) return [];
  const list = (body as Unchecked<PartnerApiKeyList>).api_keys;
  if (!Array.isArray(list)) return [];
  const keys: PartnerApiKey[] = [];
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { id, api_key: apiKey, address } = entry as Unchecked<PartnerApiKey>;
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof apiKey !== 'string') continue;
    keys.push({ id: String(id), api_key: apiKey, ...(typeof address === 'string' ? { address } : {}) });
  }
  return keys;
}

/** The one key a POST …/api_keys answer created, or null when the answer has none. */
export function createdPartnerKey(body: unknown): PartnerApiKey | null {
  const direct = partnerKeysFrom({ api_keys: [body] });
  if (direct.length === 1) return direct[0];
  const listed = partnerKeysFrom(body);
  return listed.length === 1 ? listed[0] : null;
}

/**
 * The listed entry that is `apiKey`: the same key in full, or a masked one (`****…abcd`) ending in its
 * last 4 characters when exactly one such entry exists; null when it cannot be told apart.
 */
export function findPartnerKey(keys: PartnerApiKey[], apiKey: string, exceptId?: string): PartnerApiKey | null {
  const candidates = keys.filter((key) => key.id !== exceptId);
  const exact = candidates.find((key) => key.api_key === apiKey);
  if (exact) return exact;
  const last4 = apiKey.slice(-4);
  const masked = candidates.filter((key) => key.api_key.includes('*') && key.api_key.endsWith(last4));
  return masked.length === 1 ? masked[0] : null;
}
