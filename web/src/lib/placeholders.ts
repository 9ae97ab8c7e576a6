/**
 * The live preview of `{{field}}` / `{{field|fallback}}` parameter values for one sample contact.
 * Mirrors the engine's rule (src/campaigns/placeholders.ts): a field is a contact column or an
 * attribute; an empty value counts as none; no value and no fallback means the recipient is skipped.
 */
export type Segment = { literal: string } | { field: string; fallback: string | null };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

export type Parsed = { ok: true; segments: Segment[] } | { ok: false; error: string };

export function parsePlaceholders(text: string): Parsed {
  const segments: Segment[] = [];
  let cursor = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const before = text.slice(cursor, match.index);
    if (before.includes('{{') || before.includes('}}')) return { ok: false, error: 'unbalanced "{{" or "}}"' };
    if (before) segments.push({ literal: before });
    const inner = match[1];
    const pipe = inner.indexOf('|');
    const field = (pipe === -1 ? inner : inner.slice(0, pipe)).trim().toLowerCase();
    if (!FIELD_NAME.test(field)) return { ok: false, error: `"{{${inner}}}" needs a field name such as {{first_name}} or {{first_name|there}}` };
    segments.push({ field, fallback: pipe === -1 ? null : inner.slice(pipe + 1).trim() });
    cursor = (match.index ?? 0) + match[0].length;
  }
  const rest = text.slice(cursor);
  if (rest.includes('{{') || rest.includes('}}')) return { ok: false, error: 'unbalanced "{{" or "}}"' };
  if (rest) segments.push({ literal: rest });
  return { ok: true, segments };
}

/** The fields a contact offers to placeholders. */
export interface SampleContact {
  phone?: string | null;
  waId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  language?: string | null;
  country?: string | null;
  attributes?: Record<string, string> | null;
}

export function contactFields(contact: SampleContact): Record<string, string | null | undefined> {
  return {
    ...(contact.attributes ?? {}),
    first_name: contact.firstName,
    last_name: contact.lastName,
    language: contact.language,
    country: contact.country,
    phone: contact.phone,
    wa_id: contact.waId,
  };
}

export type Preview = { ok: true; text: string } | { ok: false; error: string } | { ok: false; missingField: string };

export function previewValue(text: string, contact: SampleContact | null): Preview {
  const parsed = parsePlaceholders(text);
  if (!parsed.ok) return parsed;
  const values = contact ? contactFields(contact) : {};
  let out = '';
  for (const segment of parsed.segments) {
    if ('literal' in segment) {
      out += segment.literal;
      continue;
    }
    const value = values[segment.field];
    if (value !== null && value !== undefined && value !== '') out += value;
    else if (segment.fallback !== null) out += segment.fallback;
    else return { ok: false, missingField: segment.field };
  }
  return { ok: true, text: out };
}

/**
 * The template's own text with each `{{1}}` / `{{name}}` replaced by the preview of the value given
 * for it (or left as the placeholder when no value is given yet).
 */
export function fillTemplateText(templateText: string, values: Record<string, string>, contact: SampleContact | null): string {
  return templateText.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const given = values[key];
    if (given === undefined || given === '') return whole;
    const preview = previewValue(given, contact);
    return preview.ok ? preview.text : 'missingField' in preview ? `[no ${preview.missingField}]` : whole;
  });
}
