import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Delimiter } from './csv-header.js';
import { CsvRecordReader, type RecordBatch } from './csv-records.js';

/** Where an upload's stored chunks come from (ImportsRepository: import_upload_chunks). */
export interface UploadSource {
  /** The upload's chunk `seq` (from 0), or null past its end. */
  uploadChunk(importId: string, seq: number): Promise<Buffer | null>;
}

/**
 * The consumer gives the event loop a turn after each piece this size (~700 rows, a few ms): the answers
 * of the import's other connections are read, and their next statements sent, while the file is parsed.
 * (Awaiting a promise that has already settled - a read ahead that has arrived - turns no event loop.)
 */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * An upload's CSV records, batch by batch, with the bytes read so far. It is read from PostgreSQL one
 * stored chunk (1 MB) at a time - the next one while this one is parsed (waiting for each read cost ~90
 * round trips per 100 MB) - and parsed in 64 KB pieces. `beforePiece` runs before each piece (it may
 * throw to stop). Throws CsvFileError for a file that cannot be read as CSV or is not UTF-8.
 */
export async function* uploadRecords(
  source: UploadSource,
  importId: string,
  delimiter: Delimiter,
  beforePiece: () => void,
): AsyncGenerator<{ batch: RecordBatch; bytesRead: number }> {
  const reader = new CsvRecordReader(delimiter);
  let next = readAhead(source, importId, 0);
  for (let seq = 0; ; seq++) {
    const data = await next;
    if (data === null) break;
    next = readAhead(source, importId, seq + 1);
    for (let offset = 0; offset < data.length; offset += READ_CHUNK_BYTES) {
      beforePiece();
      const batch = reader.push(data.subarray(offset, offset + READ_CHUNK_BYTES));
      yield { batch, bytesRead: reader.bytesRead };
      await yieldToEventLoop();
    }
  }
  yield { batch: await reader.end(), bytesRead: reader.bytesRead };
}

/** A read that may be left behind when the import fails meanwhile: its failure then is nobody's to report. */
function readAhead(source: UploadSource, importId: string, seq: number): Promise<Buffer | null> {
  const read = source.uploadChunk(importId, seq);
  read.catch(() => undefined);
  return read;
}
