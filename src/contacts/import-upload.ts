import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../common/domain-error.js';
import { errorMessage } from '../common/errors.js';
import { SNIFF_BYTES } from './import/csv-sniff.js';

export interface ReceivedFile {
  path: string;
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

/** Uploads wait on local disk between the 202 and the end of the import, then are removed. */
export const UPLOAD_DIRECTORY = join(tmpdir(), 'wa-engine-imports');

/**
 * Streams a multipart upload to a temporary file (memory stays flat: only the first 64 KB are kept),
 * whatever the order of its parts. The whole request is consumed even when something is wrong, so the
 * client always gets the answer instead of a reset connection. The caller owns `file.path`.
 */
export async function receiveUpload(request: FastifyRequest, allowedFields: readonly string[]): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new DomainError('unsupported_media_type', 'Send the CSV as multipart/form-data with the file in the field "file"');
  }
  const upload: ReceivedUpload = { file: null, fields: {}, unexpected: [] };
  try {
    // throwFileSizeLimit: false — an upload over the limit ends as `truncated` and is refused below.
    const parts = request.parts({ throwFileSizeLimit: false } as never) as AsyncIterableIterator<Multipart>;
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload.file) {
          upload.unexpected.push(part.fieldname === 'file' ? 'a second file' : `file field "${part.fieldname}"`);
          part.file.resume();
          await new Promise((resolve) => part.file.once('end', resolve));
          continue;
        }
        upload.file = await saveFile(part.file, part.filename);
      } else if (allowedFields.includes(part.fieldname)) {
        upload.fields[part.fieldname] = String(part.value ?? '');
      } else {
        upload.unexpected.push(`field "${part.fieldname}"`);
      }
    }
  } catch (error) {
    await discard(upload);
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

export async function discard(upload: ReceivedUpload): Promise<void> {
  if (upload.file) await rm(upload.file.path, { force: true });
}

async function saveFile(stream: Readable & { truncated?: boolean }, name: string): Promise<ReceivedFile> {
  await mkdir(UPLOAD_DIRECTORY, { recursive: true });
  const path = join(UPLOAD_DIRECTORY, `${randomUUID()}.csv`);
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  try {
    await pipeline(
      stream,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (headLength < SNIFF_BYTES) {
            const kept = chunk.subarray(0, SNIFF_BYTES - headLength);
            headParts.push(Buffer.from(kept));
            headLength += kept.length;
          }
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, name, size, head: Buffer.concat(headParts), truncated: stream.truncated === true };
}
