export type Delimiter = ',' | ';' | '\t';

/** Column names that hold the phone number (after snake-casing). `wa_id` holds digits with the country code. */
export const PHONE_ALIASES = ['phone', 'phone_number', 'mobile', 'msisdn', 'wa_id'] as const;

/** Columns with a meaning of their own; every other named column goes into `attributes`. */
export const KNOWN_COLUMNS = ['first_name', 'last_name', 'language', 'opted_in_at', 'opt_in_source', 'opt_in_proof', 'country'] as const;
export type KnownColumn = (typeof KNOWN_COLUMNS)[number];

export interface HeaderMap {
  /** Number of cells in the header row; data rows must have as many (trailing empty cells aside). */
  columnCount: number;
  phoneIndex: number;
  /** The header named the phone column `wa_id`: digits without "+" are international. */
  phoneIsWaId: boolean;
  phoneColumn: string;
  known: Partial<Record<KnownColumn, number>>;
  attributes: Array<{ index: number; key: string }>;
}

export type HeaderResult = { ok: true; header: HeaderMap } | { ok: false; message: string; tooManyColumns?: true };

/** A header wider than this is refused (422): contacts have a few dozen fields, not thousands. */
export const MAX_COLUMNS = 1_000;

export function tooManyColumnsMessage(count: number | string): string {
  return `The header has ${count} columns; at most ${MAX_COLUMNS} are accepted: remove the columns you do not need`;
}

/**
 * Picks `,` `;` or tab from the header line: the one that occurs most often outside quotes. A line
 * with none of them is a single-column file (delimiter `,`).
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const char = headerLine[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char]++;
  }
  let best: Delimiter = ',';
  for (const candidate of ['\t', ';'] as const) {
    if (counts[candidate] > counts[best]) best = candidate;
  }
  return best;
}

/**
 * "First Name" → first_name, "firstName" → first_name, " E-Mail " → e_mail, "Kundennr." → kundennr,
 * "Größe" → größe (letters of any script are kept, lower-cased).
 */
export function toSnakeKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/([\p{Ll}\p{Nd}])(\p{Lu})/gu, '$1_$2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** Maps header cells to roles; refuses headers that would make the import guess. */
export function mapHeader(cells: readonly string[]): HeaderResult {
  if (cells.length > MAX_COLUMNS) return { ok: false, message: tooManyColumnsMessage(cells.length), tooManyColumns: true };
  const phoneColumns: Array<{ index: number; name: string; key: string }> = [];
  const known: Partial<Record<KnownColumn, number>> = {};
  const attributes: Array<{ index: number; key: string }> = [];
  const usedKeys = new Set<string>();
  const displayed = cells.map((cell) => cell.trim()).filter((cell) => cell.length > 0);

  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index];
    const key = toSnakeKey(cell);
    if (key === '') continue; // an unnamed column (e.g. a trailing delimiter) carries nothing we can name
    if ((PHONE_ALIASES as readonly string[]).includes(key)) {
      phoneColumns.push({ index, name: cell.trim(), key });
    } else if ((KNOWN_COLUMNS as readonly string[]).includes(key)) {
      const column = key as KnownColumn;
      if (known[column] !== undefined) return { ok: false, message: `The column ${column} appears twice in the header: keep one` };
      known[column] = index;
      usedKeys.add(key);
    } else {
      attributes.push({ index, key });
    }
  }

  if (phoneColumns.length === 0) {
    const found = displayed.length > 0 ? ` (found: ${displayed.slice(0, 10).map((cell) => JSON.stringify(cell.slice(0, 40))).join(', ')})` : '';
    return {
      ok: false,
      message: `No phone column: name the column with the numbers ${PHONE_ALIASES.slice(0, -1).join(', ')} or ${PHONE_ALIASES.at(-1)} (any case)${found}`,
    };
  }
  if (phoneColumns.length > 1) {
    return {
      ok: false,
      message: `Several phone columns (${phoneColumns.map((column) => column.name).join(', ')}): keep one of them or rename the others`,
    };
  }

  // Attribute keys must be unique after snake-casing: "Plan" and "plan" become plan and plan_2. Each
  // name remembers the next suffix to try: keys are only ever added, so every suffix below it is still
  // taken, and the renaming stays linear (16,000 columns named "a" once took 22 s here).
  const nextSuffix = new Map<string, number>();
  for (const attribute of attributes) {
    let key = attribute.key;
    let suffix = nextSuffix.get(attribute.key) ?? 2;
    while (usedKeys.has(key)) key = `${attribute.key}_${suffix++}`;
    nextSuffix.set(attribute.key, suffix);
    usedKeys.add(key);
    attribute.key = key;
  }

  const phone = phoneColumns[0];
  return {
    ok: true,
    header: {
      columnCount: cells.length,
      phoneIndex: phone.index,
      phoneIsWaId: phone.key === 'wa_id',
      phoneColumn: phone.name,
      known,
      attributes,
    },
  };
}
