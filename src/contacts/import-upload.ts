import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DomainError } from '../common/domain-error.js';
import { errorMessage } from '../common/errors.js';
import { SNIFF_BYTES } from './import/csv-sniff.js';

export interface ReceivedFile {
  /** The upload's id: its chunks in PostgreSQL, and the import's id once it is accepted. */
  uploadId: string;
  name: string;
  size: number;
  /** The first SNIFF_BYTES of the file, kept to judge it before the import is accepted. */
  head: Buffer;
  /** The upload went over the size limit and was cut. */
  truncated: boolean;
}

export interface ReceivedUpload {
  file: ReceivedFile | null;
  fields: Record<string, string>;
  /** Names of parts that are not allowed here (unknown fields, a second file, a file under another name). */
  unexpected: string[];
}

/** Where the upload's bytes go as they stream in (ImportsRepository: the import_upload_chunks table). */
export interface UploadStore {
  saveUploadChunk(uploadId: string, seq: number, data: Buffer): Promise<void>;
  deleteUpload(uploadId: string): Promise<void>;
}

/** Bytes per stored chunk: big enough for few round trips, small enough to keep memory flat. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/**
 * Streams a multipart upload into PostgreSQL in chunks of UPLOAD_CHUNK_BYTES (memory stays flat: one
 * chunk being filled and the first 64 KB), whatever the order of its parts, so that any instance can
 * run the import and nothing of it stays on this instance's disk. The whole request is consumed even
 * when something is wrong, so the client always gets the answer instead of a reset connection. The
 * caller owns the stored upload (`discard` removes it).
 */
export async function receiveUpload(request: FastifyRequest, allowedFields: readonly string[], store: UploadStore): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new DomainError('unsupported_media_type', 'Send the CSV as multipart/form-data with the file in the field "file"');
  }
  const upload: ReceivedUpload = { file: null, fields: {}, unexpected: [] };
  const uploadId = randomUUID();
  let storing = false;
  try {
    // throwFileSizeLimit: false — an upload over the limit ends as `truncated` and is refused below.
    const parts = request.parts({ throwFileSizeLimit: false } as never) as AsyncIterableIterator<Multipart>;
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload.file || storing) {
          upload.unexpected.push(part.fieldname === 'file' ? 'a second file' : `file field "${part.fieldname}"`);
          part.file.resume();
          await new Promise((resolve) => part.file.once('end', resolve));
          continue;
        }
        storing = true;
        upload.file = await storeFile(part.file, part.filename, uploadId, store);
      } else if (allowedFields.includes(part.fieldname)) {
        upload.fields[part.fieldname] = String(part.value ?? '');
      } else {
        upload.unexpected.push(`field "${part.fieldname}"`);
      }
    }
  } catch (error) {
    if (storing) await store.deleteUpload(uploadId).catch(() => undefined);
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) throw new DomainError('invalid', 'Send exactly one file (the CSV) in the field "file"');
    // A body the multipart parser refuses (busboy's "Unexpected end of form", "Malformed part header"
    // carry no code; @fastify/multipart's own errors a 4xx status) is the client's: 400. File-system
    // errors (ENOSPC, EACCES: a code, no status) stay server errors.
    const code = (error as { code?: unknown }).code;
    if ((status !== undefined && status < 500) || (status === undefined && typeof code !== 'string')) {
      throw new DomainError('invalid', `The upload is not well-formed multipart/form-data (${errorMessage(error)}): send the CSV in the field "file"`);
    }
    throw error;
  }
  return upload;
}

export async function discard(upload: ReceivedUpload, store: UploadStore): Promise<void> {
  if (upload.file) await store.deleteUpload(upload.file.uploadId);
}

/**
 * Stores the file as it streams in. One chunk is written while the next is received (the stream waits
 * only when that one is full before the write ends): the multipart parsing and PostgreSQL's write run
 * side by side, and memory holds at most two chunks.
 */
export async function storeFile(stream: Readable & { truncated?: boolean }, name: string, uploadId: string, store: UploadStore): Promise<ReceivedFile> {
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (pendingLength === 0) return;
    const data = Buffer.concat(pending, pendingLength);
    pending = [];
    pendingLength = 0;
    await writing;
    writing = store.saveUploadChunk(uploadId, seq++, data);
    writing.catch(() => undefined); // awaited by the next flush or at the end
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (headLength < SNIFF_BYTES) {
        const kept = chunk.subarray(0, SNIFF_BYTES - headLength);
        headParts.push(Buffer.from(kept));
        headLength += kept.length;
      }
      pending.push(chunk);
      pendingLength += chunk.length;
      // For-await pulls the next piece only after this: backpressure.
      if (pendingLength >= UPLOAD_CHUNK_BYTES) await flush();
    }
    await flush();
    await writing;
  } finally {
    // Whoever removes a failed upload must find every chunk already written.
    await writing.catch(() => undefined);
  }
  return { uploadId, name, size, head: Buffer.concat(headParts), truncated: stream.truncated === true };
}
