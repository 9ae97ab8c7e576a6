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

/** What a chunk hands to COPY: its rows in phone order, one per phone. */
export interface StagedText {
  bytes: Buffer;
  rows: number;
  /** Rows left out: a phone seen earlier in the chunk (the earlier line wins). */
  duplicates: number;
}

/**
 * One chunk of the import as COPY text, kept in a Buffer: the rows live outside the JavaScript heap, so
 * they are not promoted and traced by the garbage collector while the chunk fills. It hands the rows
 * over sorted by phone with in-chunk duplicates dropped, so the merge needs no sort of its own (the
 * writer, the import's busiest process, sorted each chunk for ~10% of its time) and still meets the
 * phones in index order, where its probes and inserts into uq_contacts_phone stay cheap.
 */
export class StageChunk {
  private buffer: Buffer;
  private used = 0;
  /** Where each row starts in the buffer (a row ends where the next starts). */
  private starts = new Int32Array(1024);
  private phones: string[] = [];

  /**
   * `sortSpace`: where sorted() writes, shared by the chunks of one run (one chunk is handed over at a
   * time), so two chunks hold three buffers, not four.
   */
  constructor(
    private readonly sortSpace: { buffer: Buffer } = { buffer: Buffer.alloc(0) },
    initialBytes = 8 * 1024 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Rows added, duplicates included. */
  get rows(): number {
    return this.phones.length;
  }

  add(phone: string, text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.buffer.length) this.buffer = grown(this.buffer, this.used + text.length * 3, this.used);
    if (this.phones.length === this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.starts[this.phones.length] = this.used;
    this.phones.push(phone);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /**
   * The rows sorted by phone (code unit order: the C collation of the phone index for "+" and digits),
   * the first added of each phone only. A view of the sort space, valid until the next sorted() on it.
   */
  sorted(): StagedText {
    const { phones, starts } = this;
    const count = phones.length;
    const order = new Uint32Array(count);
    for (let index = 0; index < count; index++) order[index] = index;
    order.sort((a, b) => (phones[a] < phones[b] ? -1 : phones[a] > phones[b] ? 1 : a - b));
    if (this.sortSpace.buffer.length < this.used) this.sortSpace.buffer = Buffer.allocUnsafe(this.buffer.length);
    const target = this.sortSpace.buffer;
    let written = 0;
    let rows = 0;
    let previous: string | undefined;
    for (let position = 0; position < count; position++) {
      const index = order[position];
      if (phones[index] === previous) continue;
      previous = phones[index];
      const end = index + 1 < count ? starts[index + 1] : this.used;
      written += this.buffer.copy(target, written, starts[index], end);
      rows++;
    }
    return { bytes: target.subarray(0, written), rows, duplicates: count - rows };
  }

  reset(): void {
    this.used = 0;
    this.phones = [];
  }
}

function grown(buffer: Buffer, needed: number, used: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
  buffer.copy(next, 0, 0, used);
  return next;
}
