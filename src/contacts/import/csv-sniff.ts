import { parse } from 'csv-parse/sync';
import { type Delimiter, detectDelimiter, type HeaderMap, mapHeader, MAX_COLUMNS, tooManyColumnsMessage } from './csv-header.js';
import { errorMessage } from '../../common/errors.js';

/** How much of the upload is kept in memory to judge it before answering 202. */
export const SNIFF_BYTES = 64 * 1024;

export type SniffResult =
  | { ok: true; delimiter: Delimiter; header: HeaderMap; headerCells: string[] }
  | { ok: false; kind: 'empty' | 'not_csv' | 'no_phone_column' | 'too_many_columns'; message: string };

const MAGIC: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive or an Excel workbook (.xlsx)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Excel 97-2003 workbook (.xls)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

const SAVE_AS_CSV = 'export it as "CSV UTF-8" (comma, semicolon or tab separated) and upload that';

/**
 * Judges an upload from its first bytes, before the import is accepted: an empty file, a file that
 * is not CSV text at all (binary, a workbook, not UTF-8, JSON/HTML) or a header without a phone
 * column is refused at once with a message the user can act on. `complete` says the head is the
 * whole file. Everything found later (a bad row, an unclosed quote at line 900,000) ends the import
 * as `failed` or as a reject, never as a silent partial import.
 */
export function sniffCsv(head: Buffer, complete: boolean): SniffResult {
  let bytes = head;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return notCsv(`The file is UTF-16 text (Excel's "Unicode text"); ${SAVE_AS_CSV}`);
  }
  for (const magic of MAGIC) {
    if (magic.bytes.every((byte, index) => bytes[index] === byte)) return notCsv(`The file is ${magic.what}, not CSV; ${SAVE_AS_CSV}`);
  }
  if (bytes.includes(0)) return notCsv(`The file is binary, not CSV text; ${SAVE_AS_CSV}`);

  let text: string;
  try {
    // stream: true leaves a multi-byte character cut at the end of the head pending instead of failing.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: !complete });
  } catch {
    return notCsv(`The file is not UTF-8 text (perhaps Windows-1252 or Latin-1); ${SAVE_AS_CSV}`);
  }

  const start = text.search(/\S/);
  if (start === -1) return { ok: false, kind: 'empty', message: 'The file is empty: upload a CSV with a header row and at least one contact' };
  const first = text[start];
  if (first === '{' || first === '[') return notCsv(`The file looks like JSON, not CSV; ${SAVE_AS_CSV}`);
  if (first === '<') return notCsv(`The file looks like HTML or XML, not CSV; ${SAVE_AS_CSV}`);

  // The header is the first non-blank line; leading blank lines are skipped (and still counted).
  const headerStart = text.lastIndexOf('\n', start) + 1;
  const lineEnd = text.slice(headerStart).search(/\r|\n/);
  if (lineEnd === -1 && !complete) {
    // A header row longer than the head: refused as too wide when it already names too many columns.
    const partial = text.slice(headerStart);
    const cells = partial.split(detectDelimiter(partial)).length;
    if (cells > MAX_COLUMNS) return { ok: false, kind: 'too_many_columns', message: tooManyColumnsMessage(`at least ${cells}`) };
    return notCsv(`The first line is longer than ${SNIFF_BYTES / 1024} KB: this is not a CSV file with a header row`);
  }
  const delimiter = detectDelimiter(lineEnd === -1 ? text.slice(headerStart) : text.slice(headerStart, headerStart + lineEnd));

  const body = text.slice(headerStart);
  const options = { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true } as const;
  let headerCells: string[];
  try {
    headerCells = (parse(body, { ...options, to: 1 }) as string[][])[0] ?? [];
  } catch (error) {
    return notCsv(`The header row cannot be read as CSV (${errorMessage(error)}); ${SAVE_AS_CSV}`);
  }
  const mapped = mapHeader(headerCells);
  if (!mapped.ok) return { ok: false, kind: mapped.tooManyColumns ? 'too_many_columns' : 'no_phone_column', message: mapped.message };
  if (complete && !hasContactRow(body, options)) {
    return { ok: false, kind: 'empty', message: 'The file has a header row but no contacts' };
  }
  return { ok: true, delimiter, header: mapped.header, headerCells };
}

/** Whether any non-blank record follows the header. A row that breaks the CSV syntax counts: the import reports it. */
function hasContactRow(body: string, options: object): boolean {
  try {
    const records = parse(body, options) as string[][];
    return records.slice(1).some((record) => record.some((cell) => cell.trim() !== ''));
  } catch {
    return true;
  }
}

function notCsv(message: string): SniffResult {
  return { ok: false, kind: 'not_csv', message };
}
