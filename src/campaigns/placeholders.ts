/**
 * `{{field}}` and `{{field|fallback}}` placeholders in template component strings.
 * A field is a contact column (first_name, last_name, language, country, phone, wa_id) or an
 * attribute key (lower_snake_case, as the import stores them).
 */
export type Segment = { literal: string } | { field: string; fallback: string | null };

export const CONTACT_COLUMNS = ['first_name', 'last_name', 'language', 'country', 'phone', 'wa_id'] as const;

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

export class PlaceholderSyntaxError extends Error {}

export function parsePlaceholders(text: string): Segment[] {
  const segments: Segment[] = [];
  let cursor = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const before = text.slice(cursor, match.index);
    assertNoStrayBraces(before, text);
    if (before) segments.push({ literal: before });
    const inner = match[1];
    const pipe = inner.indexOf('|');
    const field = (pipe === -1 ? inner : inner.slice(0, pipe)).trim().toLowerCase();
    const fallback = pipe === -1 ? null : inner.slice(pipe + 1).trim();
    if (!FIELD_NAME.test(field)) {
      throw new PlaceholderSyntaxError(
        `"{{${inner}}}" in "${text}": a placeholder needs a field name of letters, digits and underscores, e.g. {{first_name}} or {{first_name|there}}`,
      );
    }
    segments.push({ field, fallback });
    cursor = match.index + match[0].length;
  }
  const rest = text.slice(cursor);
  assertNoStrayBraces(rest, text);
  if (rest) segments.push({ literal: rest });
  return segments;
}

function assertNoStrayBraces(piece: string, text: string): void {
  if (piece.includes('{{') || piece.includes('}}')) {
    throw new PlaceholderSyntaxError(`unbalanced "{{" or "}}" in "${text}": write placeholders as {{field}} or {{field|fallback}}`);
  }
}

export function hasPlaceholders(text: string): boolean {
  return parsePlaceholders(text).some((segment) => 'field' in segment);
}

/** A string leaf of the template components that holds placeholders, with its JSON path. */
export interface PlaceholderSlot {
  path: Array<string | number>;
  segments: Segment[];
}

/** Walks the components and returns every string containing placeholders (throws on bad syntax). */
export function findPlaceholderSlots(value: unknown, path: Array<string | number> = []): PlaceholderSlot[] {
  if (typeof value === 'string') {
    const segments = parsePlaceholders(value);
    return segments.some((segment) => 'field' in segment) ? [{ path, segments }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findPlaceholderSlots(item, [...path, index]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => findPlaceholderSlots(item, [...path, key]));
  }
  return [];
}

export type FieldValues = Record<string, string | null | undefined>;

export type RenderResult = { ok: true; text: string } | { ok: false; missingField: string };

/** Renders one string; a field with no value (empty counts as none) and no fallback is missing. */
export function renderSegments(segments: Segment[], values: FieldValues): RenderResult {
  let text = '';
  for (const segment of segments) {
    if ('literal' in segment) {
      text += segment.literal;
      continue;
    }
    const value = values[segment.field]?.trim();
    if (value) text += value;
    else if (segment.fallback !== null) text += segment.fallback;
    else return { ok: false, missingField: segment.field };
  }
  return { ok: true, text };
}
