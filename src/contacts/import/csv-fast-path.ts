/**
 * The common shapes of CSV records, split without csv-parse (which costs a fifth of an import's CPU,
 * mostly building each field byte by byte). CsvRecordReader uses it until it meets a record it leaves
 * to csv-parse, then hands csv-parse the rest of the file from that record on, so every file reads as
 * csv-parse (with the reader's options) reads it. csv-fast-path.spec.ts compares both on random files.
 *
 * Taken here: unquoted fields without a quote; quoted fields ("" for a quote, delimiters and line
 * breaks inside) whose closing quote is followed by the delimiter or a line end; records ending in
 * \n, \r\n or \r. Left to csv-parse: a quote inside an unquoted field or text after a closing quote
 * (relax_quotes), and any record longer than a quarter of the record size limit (its error).
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface FastRecords {
  records: string[][];
  /** Line breaks inside each record's cells. */
  breaks: number[];
  /** Characters of `text` that the records take: the rest starts a record not complete yet. */
  consumed: number;
  /** The record at `consumed` is one for csv-parse (not merely incomplete). */
  bail: boolean;
}

/** Complete records at the start of `text`; the record cut off at its end is left (consumed stops before it). */
export function fastRecords(text: string, delimiter: string, maxRecordChars: number): FastRecords {
  const records: string[][] = [];
  const breaks: number[] = [];
  const longest = Math.floor(maxRecordChars / 4);
  const delimiterCode = delimiter.charCodeAt(0);
  const length = text.length;
  let position = 0;
  // Next quote and next CR at or after `position` (-1: none left), searched again only once passed.
  let nextQuote = -2;
  let nextCr = -2;
  while (position < length) {
    const lineEnd = text.indexOf('\n', position);
    if (nextQuote !== -1 && nextQuote < position) nextQuote = text.indexOf('"', position);
    if (nextCr !== -1 && nextCr < position) nextCr = text.indexOf('\r', position);
    // A plain line: no quote before its \n, and no \r but the one of a \r\n.
    if (lineEnd !== -1 && (nextQuote === -1 || nextQuote > lineEnd) && (nextCr === -1 || nextCr >= lineEnd - 1)) {
      const end = nextCr !== -1 && nextCr === lineEnd - 1 ? lineEnd - 1 : lineEnd;
      if (end - position > longest) return { records, breaks, consumed: position, bail: true };
      records.push(text.slice(position, end).split(delimiter));
      breaks.push(0);
      position = lineEnd + 1;
      continue;
    }
    const record = quotedRecord(text, position, delimiterCode);
    if (record === INCOMPLETE) return { records, breaks, consumed: position, bail: length - position > longest };
    if (record === BAIL || record.next - position > longest) return { records, breaks, consumed: position, bail: true };
    records.push(record.cells);
    breaks.push(record.breaks);
    position = record.next;
  }
  return { records, breaks, consumed: position, bail: false };
}

const INCOMPLETE = 0;
const BAIL = 1;

/** One record from `start`, field by field; INCOMPLETE when the text ends first, BAIL for csv-parse's cases. */
function quotedRecord(text: string, start: number, delimiter: number): { cells: string[]; breaks: number; next: number } | typeof INCOMPLETE | typeof BAIL {
  const length = text.length;
  const cells: string[] = [];
  let breaks = 0;
  let i = start;
  for (;;) {
    if (i >= length) return INCOMPLETE;
    let code: number;
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1 || quote + 1 >= length) return INCOMPLETE; // "" or a closing quote: the next character decides
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      cells.push(value);
      breaks += lineBreaks(value);
      code = text.charCodeAt(i);
      if (code !== delimiter && code !== LF && code !== CR) return BAIL;
    } else {
      let j = i;
      code = -1;
      while (j < length) {
        code = text.charCodeAt(j);
        if (code === delimiter || code === LF || code === CR) break;
        if (code === QUOTE) return BAIL;
        j++;
      }
      if (j >= length) return INCOMPLETE;
      cells.push(text.slice(i, j));
      i = j;
    }
    if (code === delimiter) {
      i++;
      continue;
    }
    if (code === LF) return { cells, breaks, next: i + 1 };
    if (i + 1 >= length) return INCOMPLETE; // \r: a \n may follow in the next piece
    return { cells, breaks, next: text.charCodeAt(i + 1) === LF ? i + 2 : i + 1 };
  }
}

/** \r\n, \n and a lone \r each end one physical line. */
function lineBreaks(value: string): number {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return 0;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR && value.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
