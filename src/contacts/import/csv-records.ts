import { isUtf8 } from 'node:buffer';
import { finished } from 'node:stream/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import { errorMessage } from '../../common/errors.js';
import type { Delimiter } from './csv-header.js';
import { fastRecords } from './csv-fast-path.js';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A record bigger than this is refused: in practice a quote that is never closed swallowing the file. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** A failure of the file as a whole (its syntax or encoding), with the physical line where it starts. */
export class CsvFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

export interface RecordBatch {
  /** Physical (1-based) line where each record starts. */
  lines: number[];
  records: string[][];
}

/** Line breaks inside a record's cells: \r\n, \n and a lone \r each end one physical line. */
export function lineBreaksIn(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if (code === 10) breaks++;
      else if (code === 13 && cell.charCodeAt(i + 1) !== 10) breaks++;
    }
  }
  return breaks;
}

/**
 * Validates UTF-8 chunk by chunk without decoding (node:buffer isUtf8), carrying a multi-byte
 * character cut at a chunk boundary over to the next chunk.
 */
export class Utf8Guard {
  private carry: Buffer = Buffer.alloc(0);

  /** False once the bytes seen so far are not valid UTF-8. */
  check(chunk: Buffer): boolean {
    let bytes = chunk;
    if (this.carry.length > 0) {
      // Complete the character cut at the previous boundary and validate it on its own.
      const need = sequenceLength(this.carry[0]) - this.carry.length;
      if (chunk.length < need) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return true;
      }
      const joint = Buffer.concat([this.carry, chunk.subarray(0, need)]);
      this.carry = Buffer.alloc(0);
      if (!isUtf8(joint)) return false;
      bytes = chunk.subarray(need);
    }
    const cut = trailingIncomplete(bytes);
    if (cut === 0) return isUtf8(bytes);
    this.carry = Buffer.from(bytes.subarray(bytes.length - cut));
    return isUtf8(bytes.subarray(0, bytes.length - cut));
  }

  /** At the end of the file nothing may be left half-written. */
  end(): boolean {
    return this.carry.length === 0;
  }
}

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/** Length of a multi-byte sequence cut off at the end of `bytes` (0 if the buffer ends on a boundary). */
function trailingIncomplete(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    return sequenceLength(byte) > back ? back : 0;
  }
  return 0;
}

/**
 * Streams CSV records with the physical line each one starts on. csv-parse's own `info.lines` is the
 * line where a record ends, and counts a CRLF inside quotes as two lines, so lines are counted here
 * from the line breaks inside each record's cells. Blank records are returned too (callers skip them)
 * so that every physical line is accounted for.
 *
 * Records of the common shapes are split by csv-fast-path.ts; from the first record it leaves to
 * csv-parse (or bytes that are not UTF-8, or the file's last record) on, csv-parse reads the rest.
 */
export class CsvRecordReader {
  private parser: Parser | undefined;
  private readonly utf8 = new Utf8Guard();
  private nextLine = 1;
  /** What the parser threw, the first time (wrapped: a thrown value may be anything, even undefined). */
  private failure: { error: unknown } | undefined;
  private utf8Suspect = false;
  private bytes = 0;
  /** Bytes after the last record the fast path returned (the start of a record not complete yet). */
  private pending: Buffer = Buffer.alloc(0);
  /** Whether the file's first bytes were looked at for a BOM (and it was removed). */
  private bomChecked = false;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {}

  get bytesRead(): number {
    return this.bytes;
  }

  /** Parses one chunk of the file and returns the records it completed. Throws CsvFileError. */
  push(chunk: Buffer): RecordBatch {
    this.bytes += chunk.length;
    if (!this.utf8.check(chunk)) this.utf8Suspect = true;
    if (this.parser) {
      this.parser.write(chunk);
      return this.drain();
    }
    let bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.utf8Suspect) return this.handOverToCsvParse(bytes);
    if (!this.bomChecked) {
      if (bytes.length < UTF8_BOM.length) {
        this.pending = Buffer.from(bytes);
        return { lines: [], records: [] };
      }
      if (bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) bytes = bytes.subarray(UTF8_BOM.length);
      this.bomChecked = true;
    }
    // Valid UTF-8 so far: only a character cut at the end can decode to U+FFFD, and it lies in the
    // incomplete record left over, so the consumed characters map back to bytes exactly.
    const text = bytes.toString('utf8');
    const found = fastRecords(text, this.delimiter, this.maxRecordChars);
    const consumedBytes = found.consumed === text.length ? bytes.length : Buffer.byteLength(text.slice(0, found.consumed));
    const lines: number[] = [];
    for (let index = 0; index < found.records.length; index++) {
      lines.push(this.nextLine);
      this.nextLine += 1 + found.breaks[index];
    }
    const batch = { lines, records: found.records };
    const rest = bytes.subarray(consumedBytes);
    if (!found.bail) {
      this.pending = Buffer.from(rest);
      return batch;
    }
    const more = this.handOverToCsvParse(rest);
    return { lines: lines.concat(more.lines), records: batch.records.concat(more.records) };
  }

  /** Ends the file: returns the last records, or throws CsvFileError (an unclosed quote, bad UTF-8). */
  async end(): Promise<RecordBatch> {
    if (!this.utf8.end()) this.utf8Suspect = true;
    // The last record (it may have no line end, or an unclosed quote) is csv-parse's to judge.
    const last = this.parser ? { lines: [], records: [] } : this.handOverToCsvParse(this.pending);
    const parser = this.parser!;
    if (this.failure) throw this.translate(this.failure.error);
    parser.end();
    try {
      await finished(parser, { readable: false });
    } catch (error) {
      this.failure ??= { error };
    }
    const batch = this.drain();
    if (this.utf8Suspect) throw this.notUtf8(this.nextLine);
    return { lines: last.lines.concat(batch.lines), records: last.records.concat(batch.records) };
  }

  /** csv-parse reads the rest of the file from `bytes` on (which start a record). */
  private handOverToCsvParse(bytes: Buffer): RecordBatch {
    this.pending = Buffer.alloc(0);
    this.parser = parse({
      delimiter: this.delimiter,
      // Only at the start of the file (a BOM the fast path removed is gone from `bytes`).
      bom: !this.bomChecked,
      // Every kind of line end, always: csv-parse otherwise keeps the one the first line used, and files
      // that were appended to in another program mix them (CRLF header, LF rows and the reverse).
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: this.maxRecordChars,
    });
    this.parser.on('error', (error: Error) => {
      this.failure ??= { error };
    });
    if (bytes.length > 0) this.parser.write(bytes);
    return this.drain();
  }

  private drain(): RecordBatch {
    const lines: number[] = [];
    const records: string[][] = [];
    let record: string[] | null;
    while ((record = this.parser!.read() as string[] | null) !== null) {
      if (this.utf8Suspect && record.some((cell) => cell.includes('\uFFFD'))) throw this.notUtf8(this.nextLine);
      lines.push(this.nextLine);
      records.push(record);
      this.nextLine += 1 + lineBreaksIn(record);
    }
    if (this.failure) throw this.translate(this.failure.error);
    return { lines, records };
  }

  private notUtf8(line: number): CsvFileError {
    return new CsvFileError(
      `line ${line}: the file is not UTF-8 text (perhaps Windows-1252 or Latin-1); export it as "CSV UTF-8" and upload it again`,
      line,
    );
  }

  private translate(error: unknown): CsvFileError {
    const line = this.nextLine;
    const code = error instanceof CsvError ? error.code : undefined;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      return new CsvFileError(`line ${line}: a quoted field starts here and its closing quote never comes`, line);
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      return new CsvFileError(
        `line ${line}: the row is longer than ${Math.round(MAX_RECORD_CHARS / 1024)} KB, most likely a quote that is never closed`,
        line,
      );
    }
    return new CsvFileError(`line ${line}: the file cannot be read as CSV (${errorMessage(error)})`, line);
  }
}
