import type { HeaderMap } from './csv-header.js';
import { parseOptInDate } from './opt-in-date.js';
import { normalisePhone, toCountryCode } from './phone.js';

/** One contact as read from a CSV row, ready to be staged. Nulls mean "the file says nothing". */
export interface ContactRow {
  phone: string;
  waId: string;
  country: string | null;
  firstName: string | null;
  lastName: string | null;
  language: string | null;
  /** JSON object text, e.g. {"city":"Berlin"}; empty cells are left out. */
  attributesJson: string;
  /** ISO 8601, or null: the import's own time applies. */
  optedInAt: string | null;
  optInSource: string | null;
  optInProof: string | null;
}

export interface RowReject {
  reason: string;
  /** The raw value that was refused (the cell, or the row for a column-count problem). */
  value: string;
}

export type RowResult = { ok: true; row: ContactRow } | { ok: false; reject: RowReject };

export interface RowContext {
  header: HeaderMap;
  delimiter: string;
  defaultCountry: string | null;
  now: Date;
  /** `"key":` of each attribute, in header.attributes order. */
  attributeKeys: string[];
  /** opted_in_at values repeat a lot within a file: their outcome is remembered. */
  dates: Map<string, { ok: true; iso: string } | { ok: false; reason: string }>;
}

export function createRowContext(header: HeaderMap, delimiter: string, defaultCountry: string | null, now: Date = new Date()): RowContext {
  return {
    header,
    delimiter,
    defaultCountry,
    now,
    attributeKeys: header.attributes.map((attribute) => `${JSON.stringify(attribute.key)}:`),
    dates: new Map(),
  };
}

const MAX_VALUE_SHOWN = 200;
const DATE_CACHE_LIMIT = 10_000;
/** Characters JSON.stringify would escape; strings without them are quoted as they are. */
const JSON_SPECIAL = /["\\\u0000-\u001f]/;

/** True for a record that holds nothing but blanks: an empty line, or a line of bare delimiters. */
export function isBlankRecord(cells: readonly string[]): boolean {
  for (const cell of cells) {
    if (cell.length > 0 && cell.trim().length > 0) return false;
  }
  return true;
}

/** Turns one data row into a contact or a reject with a reason a person understands. */
export function mapRow(cells: readonly string[], context: RowContext): RowResult {
  const { header } = context;
  if (cells.length < header.columnCount) {
    return reject(`too few columns (expected ${header.columnCount}, found ${cells.length})`, cells.join(context.delimiter));
  }
  if (cells.length > header.columnCount) {
    for (let index = header.columnCount; index < cells.length; index++) {
      if (cells[index].trim() !== '') {
        return reject(`too many columns (expected ${header.columnCount}, found ${cells.length})`, cells.join(context.delimiter));
      }
    }
  }

  const known = header.known;
  const rawPhone = cells[header.phoneIndex];
  const rowCountry = known.country === undefined ? null : toCountryCode(cells[known.country]);
  const phone = normalisePhone(rawPhone, {
    defaultCountry: rowCountry ?? context.defaultCountry,
    international: header.phoneIsWaId,
  });
  if (!phone.ok) return reject(phone.reason, rawPhone);

  let optedInAt: string | null = null;
  if (known.opted_in_at !== undefined) {
    const raw = cells[known.opted_in_at];
    if (raw.trim() !== '') {
      const date = optInDate(raw, context);
      if (!date.ok) return reject(date.reason, raw);
      optedInAt = date.iso;
    }
  }

  let attributesJson = '{';
  const { attributes } = header;
  for (let index = 0; index < attributes.length; index++) {
    const value = cells[attributes[index].index].trim();
    if (value === '') continue;
    if (attributesJson.length > 1) attributesJson += ',';
    attributesJson += context.attributeKeys[index];
    attributesJson += JSON_SPECIAL.test(value) ? JSON.stringify(value.replaceAll('\0', '')) : `"${value}"`; // jsonb cannot hold \u0000
  }
  attributesJson += '}';

  return {
    ok: true,
    row: {
      phone: phone.value.phone,
      waId: phone.value.waId,
      country: phone.value.country,
      firstName: cell(cells, known.first_name),
      lastName: cell(cells, known.last_name),
      language: cell(cells, known.language),
      attributesJson,
      optedInAt,
      optInSource: cell(cells, known.opt_in_source),
      optInProof: cell(cells, known.opt_in_proof),
    },
  };
}

function optInDate(raw: string, context: RowContext): { ok: true; iso: string } | { ok: false; reason: string } {
  let outcome = context.dates.get(raw);
  if (outcome === undefined) {
    const date = parseOptInDate(raw, context.now);
    outcome = date.ok ? { ok: true, iso: date.value.toISOString() } : { ok: false, reason: date.reason };
    if (context.dates.size >= DATE_CACHE_LIMIT) context.dates.clear();
    context.dates.set(raw, outcome);
  }
  return outcome;
}

function cell(cells: readonly string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = cells[index].trim();
  return value === '' ? null : value;
}

function reject(reason: string, value: string | undefined): RowResult {
  const shown = (value ?? '').trim();
  return { ok: false, reject: { reason, value: shown.length > MAX_VALUE_SHOWN ? `${shown.slice(0, MAX_VALUE_SHOWN)}…` : shown } };
}
