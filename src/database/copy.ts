import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };

/**
 * One value in PostgreSQL's COPY text format: backslash, tab, newline and carriage return escaped,
 * NUL dropped (PostgreSQL text cannot hold it), null as \N.
 */
export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (char) => ESCAPES[char]) : value;
}

/**
 * Runs a COPY … FROM STDIN with `text` as its data; resolves to the rows PostgreSQL copied. Outside a
 * transaction the COPY is one statement, committed when it ends: all its rows or none.
 */
export async function copyIn(client: PoolClient, sql: string, text: string | Buffer): Promise<number> {
  const stream = client.query(inOneWrite(copyFrom(sql)));
  stream.end(text);
  await finished(stream);
  return stream.rowCount;
}

/** What pg calls on a COPY FROM query once PostgreSQL answered CopyInResponse (its Submittable interface). */
type CopyFromQuery = ReturnType<typeof copyFrom> & { handleCopyInResponse(connection: { stream: Writable }): void };

/**
 * Once PostgreSQL answers CopyInResponse, pg-copy-streams writes the CopyData header (5 bytes), the
 * data and CopyDone (5 bytes) to the socket one after the other: three send() calls to a local
 * PostgreSQL, each of which can wake its backend on a machine whose cores it shares. With the socket
 * corked for that turn they go out in one writev (the data still in one CopyData message, byte for
 * byte as before). Data above the socket's high-water mark (16 kB) makes pg-copy-streams wait for
 * 'drain', which comes once the uncork has written it: CopyDone then follows in a write of its own, as
 * without the cork. Errors are unchanged (ErrorResponse reaches the stream as before).
 */
function inOneWrite(query: ReturnType<typeof copyFrom>): ReturnType<typeof copyFrom> {
  const copy = query as CopyFromQuery;
  const handle = copy.handleCopyInResponse;
  copy.handleCopyInResponse = function (this: CopyFromQuery, connection) {
    connection.stream.cork();
    try {
      handle.call(this, connection);
    } finally {
      // After the data and, when the stream has already ended, the CopyDone that _final queues in this turn.
      process.nextTick(() => connection.stream.uncork());
    }
  };
  return copy;
}

/** What every COPY … (FORMAT binary) output starts with (PostgreSQL's "file header" signature). */
const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Runs a `COPY (SELECT <one bytea column> …) TO STDOUT (FORMAT binary)` that yields at most one row;
 * resolves to that value's bytes, or null without a row. The bytes arrive as they are stored: no hex or
 * base64 text to build and decode on either side, and no UTF-8 decoding by pg of bytes that may not be
 * UTF-8 (pg's result rows are read as strings, even in binary mode).
 */
export async function copyOutValue(client: PoolClient, sql: string): Promise<Buffer | null> {
  const pieces: Buffer[] = [];
  for await (const piece of client.query(copyTo(sql)) as AsyncIterable<Buffer>) pieces.push(piece);
  return binaryCopyValue(Buffer.concat(pieces));
}

/**
 * The one value of a binary COPY output of one column and at most one row: the signature, flags and
 * header extension, then a row (field count 1, length, bytes) or none, then the trailer (-1).
 * https://www.postgresql.org/docs/current/sql-copy.html#SQL-COPY-BINARY-FORMAT
 */
export function binaryCopyValue(output: Buffer): Buffer | null {
  const fail = (what: string): never => {
    throw new Error(`unexpected binary COPY output (${what}, ${output.length} bytes)`);
  };
  if (output.length < BINARY_SIGNATURE.length + 10 || !output.subarray(0, BINARY_SIGNATURE.length).equals(BINARY_SIGNATURE)) fail('no signature');
  let offset = BINARY_SIGNATURE.length + 4; // flags: none defined that change the layout (bit 16, OIDs, is never set here)
  offset += 4 + output.readInt32BE(offset); // header extension
  const fields = output.readInt16BE(offset);
  offset += 2;
  if (fields === -1) return offset === output.length ? null : fail('data after the trailer');
  if (fields !== 1) fail(`${fields} columns`);
  const length = output.readInt32BE(offset);
  offset += 4;
  if (length < 0) fail('a null value');
  const value = output.subarray(offset, offset + length);
  offset += length;
  if (value.length !== length || output.length !== offset + 2 || output.readInt16BE(offset) !== -1) fail('more than one row');
  return value;
}
