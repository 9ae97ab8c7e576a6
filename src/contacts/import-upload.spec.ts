import { Readable } from 'node:stream';
import { storeFile, UPLOAD_CHUNK_BYTES, type UploadStore } from './import-upload.js';

/** An upload store in memory that records what it was asked and lets the test decide when writes end. */
class RecordingStore implements UploadStore {
  readonly saved: Array<{ seq: number; length: number }> = [];
  inFlight = 0;
  maxInFlight = 0;
  /** The most pieces of the upload read while one write was running. */
  readDuringOneWrite = 0;
  constructor(
    private readonly failAt: number | null = null,
    private readonly pulled: () => number = () => 0,
  ) {}

  async saveUploadChunk(_uploadId: string, seq: number, data: Buffer): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const before = this.pulled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.readDuringOneWrite = Math.max(this.readDuringOneWrite, this.pulled() - before);
    this.inFlight--;
    if (seq === this.failAt) throw new Error('disk full');
    this.saved.push({ seq, length: data.length });
  }

  async deleteUpload(): Promise<void> {}
}

/**
 * A file of `bytes` bytes arriving in 64 KB pieces; `pulled()` says how many have been read. With
 * `breakAfter`, the connection breaks after that many pieces.
 */
function upload(bytes: number, breakAfter = Infinity): { stream: Readable; pulled: () => number } {
  const piece = 64 * 1024;
  let pulled = 0;
  function* pieces() {
    for (let offset = 0; offset < bytes; offset += piece) {
      if (pulled === breakAfter) throw new Error('connection reset');
      pulled++;
      yield Buffer.alloc(Math.min(piece, bytes - offset), 'a');
    }
  }
  return { stream: Readable.from(pieces(), { highWaterMark: 1 }), pulled: () => pulled };
}

describe('storeFile (an upload streamed into the store)', () => {
  it('writes chunks of UPLOAD_CHUNK_BYTES in order, one write in flight while the next chunk fills', async () => {
    const size = 3 * UPLOAD_CHUNK_BYTES + 1000;
    const { stream, pulled } = upload(size);
    const store = new RecordingStore(null, pulled);
    const file = await storeFile(stream, 'contacts.csv', 'id', store);
    expect(file.size).toBe(size);
    expect(store.saved.map((chunk) => chunk.seq)).toEqual([0, 1, 2, 3]);
    expect(store.saved.map((chunk) => chunk.length)).toEqual([UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES, 1000]);
    expect(store.maxInFlight).toBe(1);
    // The next chunk (16 pieces) is received while one is written; the stream's own read-ahead is one or two.
    expect(store.readDuringOneWrite).toBeGreaterThanOrEqual(8);
    expect(store.inFlight).toBe(0);
  });

  it.each([
    ['a chunk in the middle', 1],
    ['the last chunk', 3],
  ])('fails when the store fails to write %s, with no write still running (so removing the upload finds every chunk)', async (_case, failAt) => {
    const store = new RecordingStore(failAt);
    await expect(storeFile(upload(3 * UPLOAD_CHUNK_BYTES + 1000).stream, 'contacts.csv', 'id', store)).rejects.toThrow('disk full');
    expect(store.inFlight).toBe(0);
    expect(store.saved.every((chunk) => chunk.seq < failAt + 2)).toBe(true);
  });
});

describe('storeFile when the upload breaks off', () => {
  it('fails only once the write already running has ended (so removing the upload finds every chunk)', async () => {
    const store = new RecordingStore();
    // 17 pieces: the first chunk (16) is being written when the 18th read fails.
    await expect(storeFile(upload(3 * UPLOAD_CHUNK_BYTES, 17).stream, 'contacts.csv', 'id', store)).rejects.toThrow('connection reset');
    expect(store.inFlight).toBe(0);
    expect(store.saved.map((chunk) => chunk.seq)).toEqual([0]);
  });
});
