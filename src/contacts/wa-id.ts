/**
 * The digits of a WhatsApp id ("4915112345678"; also "+49 151 12345678" or "004915112345678"), or
 * null when they cannot be a phone number (not 6–15 digits, or a leading 0).
 */
export function waIdDigits(value: string): string | null {
  let digits = value.replace(/\D/g, '');
  if (value.trim().startsWith('00')) digits = digits.slice(2);
  return /^[1-9]\d{5,14}$/.test(digits) ? digits : null;
}

/** "4915112345678", "+49 151 12345678" or "004915112345678" → "+4915112345678"; null if not 6–15 digits. */
export function phoneFromWaId(waId: string): string | null {
  const digits = waIdDigits(waId);
  return digits === null ? null : `+${digits}`;
}
