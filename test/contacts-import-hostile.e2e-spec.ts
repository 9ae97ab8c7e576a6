import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';
import request from 'supertest';
import { type EngineProcess, startEngine } from '../scripts/lib/engine-process.js';
import { ImportProcessor } from '../src/contacts/import.processor.js';
import { LEGACY_SPOOL_DIRECTORY } from '../src/contacts/import/import-failures.js';
import { createTestApp, createTestDatabase, type TestApp } from './app.js';
import { ensureBuiltEngine } from './built-engine.js';
import { germanMobile, type ImportStatus, upload, waitForImport } from './contacts-helpers.js';
import { waitFor } from './fixtures.js';

/**
 * Issue 15, imports under hostile input and instances that die: a very wide header, a file of nothing
 * but rejects under a 256 MB heap, and an instance killed mid-import (the upload lives in PostgreSQL,
 * so another instance runs it again from its first line).
 */
describe('contacts import: hostile files and dying instances', () => {
  let engine: TestApp;

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await engine?.close();
  });

  async function waitForStatus(app: TestApp, id: string): Promise<ImportStatus> {
    return (await request(app.url).get(`/v1/contacts/imports/${id}`).set(app.auth).expect(200)).body as ImportStatus;
  }

  async function uploadRows(app: TestApp): Promise<number> {
    return (await app.dataSource.query(`SELECT count(*)::int AS n FROM import_upload_chunks`))[0].n as number;
  }

  it('refuses 16,000 header columns with 422 while /health keeps answering', async () => {
    const before = (await engine.dataSource.query(`SELECT count(*)::int AS n FROM imports`))[0].n as number;
    const file = `phone,${Array.from({ length: 15_999 }, () => 'a').join(',')}\n${germanMobile(1)}${','.repeat(15_999)}\n`;
    // The injected check: the event loop's longest stall while the upload is judged, and /health
    // answering all along (it used to freeze for 22 s while the columns were renamed).
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let uploading = true;
    const healthAnswers: number[] = [];
    const probes = (async () => {
      while (uploading) {
        healthAnswers.push((await request(engine.url).get('/health')).status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    delay.enable();
    const response = await upload(engine, file, { list: 'Wide' });
    delay.disable();
    uploading = false;
    await probes;
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'The header has 16000 columns; at most 1000 are accepted: remove the columns you do not need',
    });
    expect(healthAnswers.length).toBeGreaterThan(0);
    expect(healthAnswers.every((status) => status === 200)).toBe(true);
    expect(delay.max / 1e6).toBeLessThan(1000); // ms: the whole judgement, not one slice of it
    expect((await engine.dataSource.query(`SELECT count(*)::int AS n FROM imports`))[0].n).toBe(before);
    expect(await uploadRows(engine)).toBe(0); // the refused upload's chunks are gone
  });

  it('refuses a header row longer than the 64 KB head with 422 when it already names too many columns', async () => {
    const file = `phone,${Array.from({ length: 9_000 }, (_, index) => `column_${index}`).join(',')}\n${germanMobile(1)}\n`;
    const response = await upload(engine, file).expect(422);
    expect(response.body.message).toMatch(/^The header has at least \d+ columns; at most 1000 are accepted/);
  });

  it('keeps the upload in PostgreSQL until the import ends, then removes it', async () => {
    const blocker = engine.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE');
    let id: string;
    try {
      ({ id } = (await upload(engine, `phone\n${germanMobile(2)}\n${germanMobile(3)}\n`).expect(202)).body);
      const [stored] = await engine.dataSource.query(`SELECT count(*)::int AS chunks, sum(length(data))::int AS bytes FROM import_upload_chunks WHERE import_id = $1`, [id]);
      expect(stored).toEqual({ chunks: 1, bytes: `phone\n${germanMobile(2)}\n${germanMobile(3)}\n`.length });
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    expect(await waitForImport(engine, id!)).toMatchObject({ status: 'completed', imported: 2 });
    expect(await uploadRows(engine)).toBe(0);
  });

  it('resumes an abandoned import from its stored upload, with exact counts; fails one that ended its engine too often or lost its upload', async () => {
    const processor = engine.app.get(ImportProcessor);
    const csv = `phone,first_name\n${germanMobile(10)},A\n${germanMobile(11)},B\nnot a phone,C\n${germanMobile(10)},A again\n`;
    const abandoned = async (attempts: number): Promise<string> => {
      const [{ id }] = await engine.dataSource.query(
        `INSERT INTO imports (status, list_name, delimiter, attempts, created_at, started_at, total_rows, rejected)
         VALUES ('running', 'Resumed', ',', $1, now() - interval '5 minutes', now() - interval '5 minutes', 2, 1) RETURNING id`,
        [attempts],
      );
      await engine.dataSource.query(`INSERT INTO import_upload_chunks (import_id, seq, data) VALUES ($1, 0, $2), ($1, 1, $3)`, [
        id,
        Buffer.from(csv.slice(0, 30)),
        Buffer.from(csv.slice(30)),
      ]);
      // What the dead run left: a reject and a stage table.
      await engine.dataSource.query(`INSERT INTO import_errors (import_id, line, value, reason) VALUES ($1, 4, 'not a phone', 'old run')`, [id]);
      await engine.dataSource.query(`CREATE UNLOGGED TABLE imp_${(id as string).replace(/-/g, '')}_s1 (x int)`);
      return id as string;
    };
    const resumed = await abandoned(1);
    const exhausted = await abandoned(3);
    const lost = await abandoned(1);
    await engine.dataSource.query(`DELETE FROM import_upload_chunks WHERE import_id = $1`, [lost]); // as after a PostgreSQL crash (unlogged)
    await processor.recoverAbandoned();

    const done = await waitForImport(engine, resumed);
    expect(done).toMatchObject({ status: 'completed', totalRows: 4, imported: 2, updated: 0, duplicates: 1, rejected: 1 });
    expect(done.errors).toEqual([{ line: 4, value: 'not a phone', reason: expect.not.stringMatching(/old run/) }]);
    const failed = await waitForImport(engine, exhausted);
    expect(failed).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/^The engine stopped during each of 3 runs of this import/) });
    expect(await waitForImport(engine, lost)).toMatchObject({
      status: 'failed',
      failureReason: 'The engine stopped before this import finished. Nothing was imported: upload the file again.',
    });
    expect(await uploadRows(engine)).toBe(0);
    const tables = await engine.dataSource.query(`SELECT relname FROM pg_class WHERE relname LIKE 'imp\\_%' AND relkind = 'r'`);
    expect(tables).toEqual([]);
  });

  it('leaves an import queued when its engine shuts down mid-import, for another instance to run it again', async () => {
    const leaving = await createTestApp({ databaseUrl: engine.databaseUrl, env: { SENDER_ENABLED: 'false' } });
    leaving.app.get(ImportProcessor).chunkRows = 10;
    const held = germanMobile(700_015);
    await engine.dataSource.query(`INSERT INTO contacts (phone, wa_id, first_name, opted_in_at) VALUES ($1, $2, 'Old', now())`, [held, held.slice(1)]);
    const blocker = engine.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`SELECT id FROM contacts WHERE phone = $1 FOR UPDATE`, [held]);
    const rows = 200;
    const csv = `phone,first_name\n${Array.from({ length: rows }, (_, index) => `${germanMobile(700_000 + index)},New`).join('\n')}\n`;
    let id: string;
    let closing: Promise<void>;
    try {
      ({ id } = (await upload(leaving, csv, { list: 'Graceful' }).expect(202)).body);
      await waitFor('the first chunk merged', async () => (await waitForStatus(leaving, id)).totalRows >= 10, 20_000, 20);
      closing = leaving.close(); // shutdown begins while the second chunk waits for the locked row
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    await closing!;
    const [left] = await engine.dataSource.query(`SELECT status, attempts, (SELECT count(*) FROM import_upload_chunks WHERE import_id = $1)::int AS chunks FROM imports WHERE id = $1`, [id!]);
    expect(left).toEqual({ status: 'queued', attempts: 1, chunks: 1 });
    const processor = engine.app.get(ImportProcessor);
    processor.abandonedAfterSeconds = 0;
    try {
      await processor.recoverAbandoned();
    } finally {
      processor.abandonedAfterSeconds = 30;
    }
    expect(await waitForImport(engine, id!)).toMatchObject({ status: 'completed', totalRows: rows, imported: rows - 1, updated: 1, duplicates: 0, rejected: 0 });
  });

  it('removes upload chunks that never became an import, after an hour of silence', async () => {
    await engine.dataSource.query(
      `INSERT INTO import_upload_chunks (import_id, seq, data, created_at) VALUES (gen_random_uuid(), 0, '\\x00', now() - interval '2 hours'), ($1, 0, '\\x00', now())`,
      ['00000000-0000-4000-8000-000000000001'],
    );
    await engine.app.get(ImportProcessor).recoverAbandoned();
    expect(await engine.dataSource.query(`SELECT import_id FROM import_upload_chunks`)).toEqual([{ import_id: '00000000-0000-4000-8000-000000000001' }]);
    await engine.dataSource.query(`DELETE FROM import_upload_chunks`);
  });

  it('removes what engines before this one left in their local spool folder, after a day', async () => {
    await mkdir(LEGACY_SPOOL_DIRECTORY, { recursive: true });
    const old = join(LEGACY_SPOOL_DIRECTORY, `${randomUUID()}.csv`);
    const fresh = join(LEGACY_SPOOL_DIRECTORY, `${randomUUID()}.csv`);
    await writeFile(old, 'phone\n');
    await writeFile(fresh, 'phone\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    await engine.app.get(ImportProcessor).recoverAbandoned();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    await rm(fresh, { force: true });
  });

  describe('the built engine as a child process', () => {
    let database: { url: string; drop(): Promise<void> };
    const children: EngineProcess[] = [];

    beforeAll(async () => {
      ensureBuiltEngine();
      database = await createTestDatabase();
    }, 180_000);
    afterAll(async () => {
      await Promise.all(children.map((child) => child.stop()));
      await database?.drop();
    }, 60_000);

    async function postCsv(child: EngineProcess, csv: string, list: string): Promise<string> {
      const form = new FormData();
      form.set('list', list);
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
      const response = await fetch(`${child.url}/v1/contacts/imports`, { method: 'POST', headers: { authorization: `Bearer ${child.token}` }, body: form });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    }

    async function statusOf(child: EngineProcess, id: string): Promise<ImportStatus> {
      return (await (await fetch(`${child.url}/v1/contacts/imports/${id}`, { headers: { authorization: `Bearer ${child.token}` } })).json()) as ImportStatus;
    }

    it('imports 20 MB of nothing but rejects with --max-old-space-size=256, with exact counts', async () => {
      const child = await startEngine({ databaseUrl: database.url, env: { SENDER_ENABLED: 'false' }, nodeOptions: ['--max-old-space-size=256'] });
      children.push(child);
      // Short rows, so that there are millions of rejects (the 6 MB of bad numbers crashed it).
      const lines = ['phone'];
      let bytes = 0;
      for (let index = 0; bytes < 20 * 1024 * 1024; index++) {
        const line = `x${index}`;
        lines.push(line);
        bytes += line.length + 1;
      }
      const rows = lines.length - 1;
      const id = await postCsv(child, `${lines.join('\n')}\n`, 'All rejected');
      const status = await waitFor('the import to end', async () => {
        if (!child.running()) return { status: 'the engine exited' } as unknown as ImportStatus; // e.g. out of heap
        const current = await statusOf(child, id);
        return current.status === 'completed' || current.status === 'failed' ? current : undefined;
      }, 300_000, 250);
      expect(child.running()).toBe(true);
      expect(status).toMatchObject({ status: 'completed', totalRows: rows, rejected: rows, imported: 0, updated: 0, duplicates: 0 });
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows: stored } = await client.query(`SELECT count(*)::int AS n FROM import_errors WHERE import_id = $1`, [id]);
      await client.end();
      expect(stored[0].n).toBe(rows);
      console.log(`20 MB all-rejected import: ${rows} rows, peak RSS ${child.peakRssMb().toFixed(0)} MB`);
      await child.stop();
    }, 360_000);

    it('runs an import again on another instance after its instance is killed mid-import', async () => {
      const first = await startEngine({ databaseUrl: database.url, env: { SENDER_ENABLED: 'false' } });
      children.push(first);
      const second = await createTestApp({ databaseUrl: database.url, env: { SENDER_ENABLED: 'false' } });
      try {
        const rows = 60_000; // the default chunk is 50,000 rows: the first chunk is merged, the second waits
        const held = germanMobile(900_000 + 55_000);
        await second.dataSource.query(`INSERT INTO contacts (phone, wa_id, first_name, opted_in_at) VALUES ($1, $2, 'Old', now())`, [held, held.slice(1)]);
        const blocker = second.dataSource.createQueryRunner();
        await blocker.connect();
        await blocker.startTransaction();
        await blocker.query(`SELECT id FROM contacts WHERE phone = $1 FOR UPDATE`, [held]);
        let id: string;
        try {
          const csv = `phone,first_name\n${Array.from({ length: rows }, (_, index) => `${germanMobile(900_000 + index)},New`).join('\n')}\n`;
          id = await postCsv(first, csv, 'Killed');
          // Progress is saved after each merge: imported counts merged rows, while totalRows is whatever the
          // parse had reached by then (it parses on between merges, so it may stay below 50,000 once the
          // chunk holding the locked row waits).
          await waitFor('the first chunk merged', async () => (await statusOf(first, id)).imported > 0, 120_000, 50);
          await first.kill9();
        } finally {
          await blocker.commitTransaction();
          await blocker.release();
        }
        const processor = second.app.get(ImportProcessor);
        processor.abandonedAfterSeconds = 0;
        // The dead instance's sessions end (and with them its liveness lock) once PostgreSQL notices.
        await waitFor('the import adopted', async () => {
          await processor.recoverAbandoned();
          const [row] = await second.dataSource.query(`SELECT status, attempts FROM imports WHERE id = $1`, [id!]);
          return row.attempts >= 2 || row.status === 'completed';
        }, 60_000, 250);
        const status = await waitForImport(second, id!, 120_000);
        expect(status).toMatchObject({ status: 'completed', totalRows: rows, imported: rows - 1, updated: 1, duplicates: 0, rejected: 0 });
        // The run drops its own stage tables right after its commit (import-run.ts): the status can be
        // read as completed a moment before they are gone.
        await waitFor('the stage tables dropped', async () => {
          const [{ n }] = await second.dataSource.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'imp\\_%' AND relkind = 'r'`);
          return n === 0;
        }, 10_000, 50);
        const [counts] = await second.dataSource.query(
          `SELECT (SELECT count(*) FROM contacts WHERE phone LIKE '+4915110%')::int AS contacts,
                  (SELECT count(*) FROM list_members m JOIN lists l ON l.id = m.list_id WHERE l.name = 'Killed')::int AS members,
                  (SELECT count(*) FROM import_upload_chunks)::int AS chunks,
                  (SELECT count(*) FROM pg_class WHERE relname LIKE 'imp\\_%' AND relkind = 'r')::int AS stage_tables`,
        );
        expect(counts).toEqual({ contacts: rows, members: rows, chunks: 0, stage_tables: 0 });
      } finally {
        await second.close();
      }
    }, 360_000);
  });
});
