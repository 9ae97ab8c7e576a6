import request from 'supertest';
import type { TestApp } from './app.js';

export interface ImportStatus {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  listId: string | null;
  list: string | null;
  totalRows: number;
  imported: number;
  updated: number;
  duplicates: number;
  rejected: number;
  optedOut: number;
  progress: number | null;
  errors: Array<{ line: number; value: string | null; reason: string }>;
  failureReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface UploadOptions {
  list?: string;
  defaultCountry?: string;
  optInSource?: string;
  fileName?: string;
}

/** POST /v1/contacts/imports as multipart; returns the raw supertest response. */
export function upload(engine: TestApp, content: string | Buffer, options: UploadOptions = {}) {
  let call = request(engine.url).post('/v1/contacts/imports').set(engine.auth);
  if (options.list !== undefined) call = call.field('list', options.list);
  if (options.defaultCountry !== undefined) call = call.field('defaultCountry', options.defaultCountry);
  if (options.optInSource !== undefined) call = call.field('optInSource', options.optInSource);
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return call.attach('file', body, { filename: options.fileName ?? 'contacts.csv', contentType: 'text/csv' });
}

/** Polls GET /v1/contacts/imports/:id until the import is completed or failed. */
export async function waitForImport(engine: TestApp, id: string, timeoutMs = 30_000): Promise<ImportStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(engine.url).get(`/v1/contacts/imports/${id}`).set(engine.auth).expect(200);
    const body = response.body as ImportStatus;
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Uploads, expects 202 and waits for the end. */
export async function importCsv(engine: TestApp, content: string | Buffer, options: UploadOptions = {}): Promise<ImportStatus> {
  const response = await upload(engine, content, options).expect(202);
  expect(response.body).toEqual({ id: expect.any(String), status: 'queued' });
  return waitForImport(engine, response.body.id);
}

export async function contactByPhone(engine: TestApp, phone: string) {
  const response = await request(engine.url).get('/v1/contacts').query({ phone }).set(engine.auth).expect(200);
  return response.body.items[0];
}

/** Valid mobile numbers (libphonenumber max metadata): German 0151 1000 0000 + n. */
export function germanMobile(n: number): string {
  return `+49151${String(10_000_000 + n).padStart(8, '0')}`;
}
