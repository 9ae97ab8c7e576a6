import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

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
