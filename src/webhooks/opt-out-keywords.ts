/**
 * Opt-out keywords (pure). The whole message must be the keyword: case, accents, surrounding
 * whitespace, punctuation, symbols and emoji do not matter ("Stop!", " arrêt ", "ＳＴＯＰ 🛑", "Opt-out"),
 * extra words do ("stop sending at 9" is not an opt-out).
 */
const MAX_KEYWORD_MESSAGE = 80;

/** Upper-case letters and digits only: NFKD splits accents off and folds compatibility forms. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface OptOutMatcher {
  /** The configured keyword the message is, or null. */
  match(text: string | undefined | null): string | null;
}

export function createOptOutMatcher(keywords: readonly string[]): OptOutMatcher {
  const byNormalized = new Map<string, string>();
  for (const keyword of keywords) {
    const normalized = normalizeKeyword(keyword);
    if (normalized.length > 0 && !byNormalized.has(normalized)) byNormalized.set(normalized, keyword);
  }
  return {
    match(text) {
      if (typeof text !== 'string' || text.length > MAX_KEYWORD_MESSAGE) return null;
      return byNormalized.get(normalizeKeyword(text)) ?? null;
    },
  };
}
