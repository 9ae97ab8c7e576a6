import type { ContactRow } from './import-row.js';
import type { RowReject } from './import-row.js';
import { copyValue } from '../../database/copy.js';

/** Column order of the staging table: see createStageTable in import.queries.ts. */
export function stageLine(line: number, row: ContactRow): string {
  return (
    `${line}\t${row.phone}\t${row.country ?? '\\N'}\t${copyValue(row.firstName)}\t${copyValue(row.lastName)}\t` +
    `${copyValue(row.language)}\t${copyValue(row.attributesJson)}\t${row.optedInAt ?? '\\N'}\t${copyValue(row.optInSource)}\t` +
    `${copyValue(row.optInProof)}\n`
  );
}

/** Column order of import_errors as copied: import_id, line, value, reason. */
export function errorLine(importId: string, line: number, reject: RowReject): string {
  return `${importId}\t${line}\t${copyValue(reject.value)}\t${copyValue(reject.reason)}\n`;
}

/**
 * COPY text accumulated in a Buffer instead of a list of strings: the rows of a chunk live outside the
 * JavaScript heap, so they are not promoted and traced by the garbage collector while the chunk fills.
 */
export class CopyBuffer {
  private buffer: Buffer;
  private used = 0;
  rows = 0;

  constructor(initialBytes = 8 * 1024 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.used;
  }

  append(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.buffer.length) this.grow(this.used + text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
    this.rows++;
  }

  /** The bytes written so far (a view: valid until the next reset). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  reset(): void {
    this.used = 0;
    this.rows = 0;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.used);
    this.buffer = next;
  }
}
