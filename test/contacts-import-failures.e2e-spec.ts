import request from 'supertest';
import { ImportProcessor } from '../src/contacts/import.processor.js';
import { createTestApp, type TestApp } from './app.js';
import { germanMobile, importCsv, upload, waitForImport } from './contacts-helpers.js';

/** Files refused before the 202 (nothing written), and files that fail mid-way (nothing imported). */
describe('contacts import: refused and failed files', () => {
  let engine: TestApp;
  let small: TestApp;

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
    small = await createTestApp({ env: { SENDER_ENABLED: 'false', UPLOAD_LIMIT_MB: '0.01' } });
  });
  afterEach(() => {
    engine.app.get(ImportProcessor).chunkRows = 50_000;
  });
  afterAll(async () => {
    await small.close();
    await engine.close();
  });

  async function counts(app: TestApp) {
    const [row] = await app.dataSource.query(
      `SELECT (SELECT count(*) FROM imports)::int AS imports, (SELECT count(*) FROM lists)::int AS lists,
              (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM list_members)::int AS members,
              (SELECT count(*) FROM consent_history)::int AS events,
              (SELECT count(*) FROM import_upload_chunks)::int AS chunks`,
    );
    return row as { imports: number; lists: number; contacts: number; members: number; events: number; chunks: number };
  }

  describe('refused before the 202, nothing written', () => {
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.alloc(200, 7)]);
    it.each([
      ['an empty file', Buffer.alloc(0), 400, /^The file is empty/],
      ['only blank lines', Buffer.from('\n\r\n   \n'), 400, /^The file is empty/],
      ['a header without rows', Buffer.from('phone,first_name\n\n'), 400, /^The file has a header row but no contacts$/],
      ['no phone column', Buffer.from('name,email\nAnna,anna@example.com\n'), 400, /^No phone column: name the column with the numbers phone, phone_number, mobile, msisdn or wa_id \(any case\) \(found: "name", "email"\)$/],
      ['two phone columns', Buffer.from('phone,mobile\n1,2\n'), 400, /^Several phone columns \(phone, mobile\)/],
      ['an Excel workbook', xlsx, 415, /Excel workbook \(\.xlsx\), not CSV; export it as "CSV UTF-8"/],
      ['a binary file', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x10]), 415, /binary, not CSV/],
      ['Latin-1 text', Buffer.from('phone,name\n+4915110000001,M\xfcller\n', 'latin1'), 415, /not UTF-8 text/],
      ['JSON', Buffer.from('[{"phone":"+4915110000001"}]'), 415, /looks like JSON/],
      ['HTML', Buffer.from('<html><body>phone</body></html>'), 415, /looks like HTML/],
    ])('%s → %d', async (_name, content, statusCode, message) => {
      const before = await counts(engine);
      const response = await upload(engine, content, { list: 'Never created' }).expect(statusCode);
      expect(response.body).toMatchObject({ statusCode, message: expect.stringMatching(message) });
      expect(await counts(engine)).toEqual(before);
    });

    it('refuses a file over UPLOAD_LIMIT_MB with 413', async () => {
      const rows = ['phone'];
      for (let i = 0; i < 1000; i++) rows.push(germanMobile(i)); // ≈ 15 KB > 0.01 MB
      const before = await counts(small);
      const response = await upload(small, rows.join('\n'), { list: 'Too big' }).expect(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'The file is larger than the upload limit of 0.01 MB (UPLOAD_LIMIT_MB)' });
      expect(await counts(small)).toEqual(before);
      // Under the limit the same engine accepts.
      await importCsv(small, `phone\n${germanMobile(1)}\n`);
    });

    it.each([
      ['a bad defaultCountry', { defaultCountry: 'Germany' }, /^defaultCountry must be an ISO 3166 alpha-2 country code such as DE, GB or US \(got "Germany"\)$/],
      ['an overlong list name', { list: 'x'.repeat(201) }, /^list must be a list name of at most 200 characters$/],
    ])('refuses %s with 400', async (_name, options, message) => {
      const response = await upload(engine, `phone\n${germanMobile(1)}\n`, options).expect(400);
      expect(response.body.message).toMatch(message);
    });

    it('refuses unknown fields, a missing file, a second file and a body that is not multipart', async () => {
      const unknown = await request(engine.url)
        .post('/v1/contacts/imports')
        .set(engine.auth)
        .field('listName', 'x')
        .attach('file', Buffer.from(`phone\n${germanMobile(1)}\n`), 'a.csv')
        .expect(400);
      expect(unknown.body.message).toBe('Unexpected field "listName": send the CSV as "file" and optionally list, defaultCountry, optInSource');

      const missing = await request(engine.url).post('/v1/contacts/imports').set(engine.auth).field('list', 'x').expect(400);
      expect(missing.body.message).toBe('file is required: attach the CSV in the multipart field "file"');

      const twoFiles = await request(engine.url)
        .post('/v1/contacts/imports')
        .set(engine.auth)
        .attach('file', Buffer.from(`phone\n${germanMobile(1)}\n`), 'a.csv')
        .attach('file', Buffer.from(`phone\n${germanMobile(2)}\n`), 'b.csv')
        .expect(400);
      expect(twoFiles.body.message).toBe('Send exactly one file (the CSV) in the field "file"');

      const json = await request(engine.url).post('/v1/contacts/imports').set(engine.auth).send({ file: 'phone\n+4915110000001' }).expect(415);
      expect(json.body.message).toBe('Send the CSV as multipart/form-data with the file in the field "file"');
    });
  });

  describe('failing mid-way: nothing imported, not even the list', () => {
    it('a quote that is never closed, found after several chunks were merged', async () => {
      engine.app.get(ImportProcessor).chunkRows = 500;
      const rows = ['phone,first_name,note'];
      for (let i = 0; i < 3000; i++) rows.push(`${germanMobile(50_000 + i)},Name ${i},a note long enough to make this file bigger than the sniffed head`);
      rows.push('12ab,rejected before the failure,x');
      rows.push(`${germanMobile(60_000)},Broken,"this quote never closes`);
      rows.push(`${germanMobile(60_001)},Swallowed,x`);
      const content = rows.join('\n');
      expect(content.length).toBeGreaterThan(64 * 1024);
      const before = await counts(engine);

      const status = await importCsv(engine, content, { list: 'Half-imported' });
      expect(status).toMatchObject({
        status: 'failed',
        failureReason: 'Line 3003: a quoted field starts here and its closing quote never comes. Nothing was imported.',
        listId: null,
        imported: 0,
        updated: 0,
        duplicates: 0,
        rejected: 1,
        totalRows: 3001,
      });
      expect(status.errors).toEqual([{ line: 3002, value: '12ab', reason: 'invalid phone number' }]);
      const after = await counts(engine);
      expect(after).toEqual({ ...before, imports: before.imports + 1 });
      const lists = await request(engine.url).get('/v1/lists').set(engine.auth).expect(200);
      expect(lists.body.items.map((list: { name: string }) => list.name)).not.toContain('Half-imported');
    });

    it('bytes that are not UTF-8 after the sniffed head', async () => {
      const head = ['phone,first_name'];
      for (let i = 0; i < 3000; i++) head.push(`${germanMobile(70_000 + i)},Name number ${i} with some padding text`);
      const content = Buffer.concat([Buffer.from(`${head.join('\n')}\n`), Buffer.from(`${germanMobile(80_000)},M\xfcller\n`, 'latin1')]);
      expect(content.length).toBeGreaterThan(64 * 1024);
      const before = await counts(engine);
      const status = await importCsv(engine, content, { list: 'Latin-1 tail' });
      expect(status).toMatchObject({ status: 'failed', listId: null, imported: 0 });
      expect(status.failureReason).toBe(
        'Line 3002: the file is not UTF-8 text (perhaps Windows-1252 or Latin-1); export it as "CSV UTF-8" and upload it again. Nothing was imported.',
      );
      expect(await counts(engine)).toEqual({ ...before, imports: before.imports + 1 });
    });

    it('a row longer than 1 MB', async () => {
      const content = `phone,note\n${germanMobile(90_000)},ok\n${germanMobile(90_001)},"${'x'.repeat(1_100_000)}"\n`;
      const status = await importCsv(engine, content, { list: 'Huge row' });
      expect(status).toMatchObject({ status: 'failed', listId: null, imported: 0 });
      expect(status.failureReason).toMatch(/^Line 3: the row is longer than 1024 KB, most likely a quote that is never closed/);
    });
  });

  describe('leftovers', () => {
    async function stageTables(app: TestApp): Promise<string[]> {
      const rows: Array<{ relname: string }> = await app.dataSource.query(`SELECT relname FROM pg_class WHERE relname LIKE 'imp\\_%' AND relkind = 'r'`);
      return rows.map((row) => row.relname);
    }

    it('leaves no stage tables behind, whether the import completed or failed', async () => {
      engine.app.get(ImportProcessor).chunkRows = 2;
      await importCsv(engine, `phone\n${germanMobile(97_001)}\n${germanMobile(97_002)}\n${germanMobile(97_003)}\n`);
      await importCsv(engine, `phone\n${germanMobile(97_004)}\n${germanMobile(97_005)}\n${germanMobile(97_006)}\n"open`);
      expect(await stageTables(engine)).toEqual([]);
    });

    it('fails imports abandoned by a stopped engine and drops their stage tables', async () => {
      const [{ id }] = await engine.dataSource.query(
        `INSERT INTO imports (status, list_name, created_at, started_at) VALUES ('running', 'Orphan', now() - interval '5 minutes', now() - interval '5 minutes') RETURNING id`,
      );
      const hex = (id as string).replace(/-/g, '');
      await engine.dataSource.query(`CREATE UNLOGGED TABLE imp_${hex}_p1 (x int)`);
      await engine.dataSource.query(`CREATE UNLOGGED TABLE imp_${hex}_seen (phone text PRIMARY KEY)`);
      await engine.app.get(ImportProcessor).recoverAbandoned();
      const status = await waitForImport(engine, id);
      expect(status).toMatchObject({
        status: 'failed',
        failureReason: 'The engine stopped before this import finished. Nothing was imported: upload the file again.',
      });
      expect(await stageTables(engine)).toEqual([]);
    });
  });

  describe('status while waiting and running', () => {
    it('stays queued while another writer holds contacts, then runs', async () => {
      const blocker = engine.dataSource.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      await blocker.query('LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE');
      let id: string;
      try {
        ({ id } = (await upload(engine, `phone\n${germanMobile(95_000)}\n`).expect(202)).body);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const queued = await request(engine.url).get(`/v1/contacts/imports/${id}`).set(engine.auth).expect(200);
        expect(queued.body).toMatchObject({ status: 'queued', startedAt: null, totalRows: 0 });
      } finally {
        await blocker.commitTransaction();
        await blocker.release();
      }
      expect(await waitForImport(engine, id!)).toMatchObject({ status: 'completed', imported: 1 });
    });

    it('shows running counts while it runs', async () => {
      // A contact whose row the test keeps locked: the import merges its first chunk, then waits on
      // that row in its second chunk, so its running state can be observed.
      await importCsv(engine, `phone,first_name\n${germanMobile(96_000)},Old\n`);
      engine.app.get(ImportProcessor).chunkRows = 10;
      const rows = ['phone,first_name'];
      for (let i = 1; i <= 10; i++) rows.push(`${germanMobile(96_000 + i)},New ${i}`);
      rows.push(`${germanMobile(96_000)},Changed`);
      for (let i = 11; i <= 25; i++) rows.push(`${germanMobile(96_000 + i)},New ${i}`);

      const blocker = engine.dataSource.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      await blocker.query(`SELECT id FROM contacts WHERE phone = $1 FOR UPDATE`, [germanMobile(96_000)]);
      let id: string;
      try {
        ({ id } = (await upload(engine, rows.join('\n'), { list: 'Watched' }).expect(202)).body);
        let running: Record<string, unknown> | undefined;
        for (let attempt = 0; attempt < 100 && !running; attempt++) {
          const { body } = await request(engine.url).get(`/v1/contacts/imports/${id}`).set(engine.auth).expect(200);
          if (body.status === 'running' && body.imported === 10) running = body;
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(running).toMatchObject({ status: 'running', listId: null, list: 'Watched', imported: 10, updated: 0, finishedAt: null });
        expect(running!.totalRows as number).toBeGreaterThanOrEqual(10);
        expect(running!.progress as number).toBeGreaterThan(0);
      } finally {
        await blocker.commitTransaction();
        await blocker.release();
      }
      expect(await waitForImport(engine, id!)).toMatchObject({ status: 'completed', totalRows: 26, imported: 25, updated: 1 });
    });
  });

  describe('unknown ids and the token', () => {
    it('answers 404 for unknown imports', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000']) {
        const response = await request(engine.url).get(`/v1/contacts/imports/${id}`).set(engine.auth).expect(404);
        expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Import ${id} not found` });
        await request(engine.url).get(`/v1/contacts/imports/${id}/errors.csv`).set(engine.auth).expect(404);
      }
      // A malformed id is a 400 naming the parameter (issue 15).
      const malformed = await request(engine.url).get('/v1/contacts/imports/not-a-uuid').set(engine.auth).expect(400);
      expect(malformed.body.message).toMatch(/^id "not-a-uuid" is not an import id: it must be a UUID/);
      await request(engine.url).get('/v1/contacts/imports/not-a-uuid/errors.csv').set(engine.auth).expect(400);
    });

    it.each([
      ['post', '/v1/contacts/imports'],
      ['get', '/v1/contacts/imports/00000000-0000-4000-8000-000000000000'],
      ['get', '/v1/contacts/imports/00000000-0000-4000-8000-000000000000/errors.csv'],
      ['get', '/v1/contacts'],
      ['get', '/v1/contacts/1'],
      ['post', '/v1/contacts/1/opt-out'],
      ['post', '/v1/contacts/1/opt-in'],
      ['get', '/v1/lists'],
      ['get', '/v1/lists/00000000-0000-4000-8000-000000000000'],
    ] as const)('%s %s without the token → 401', async (method, path) => {
      const response = await request(engine.url)[method](path).set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
      expect(response.body.statusCode).toBe(401);
      await request(engine.url)[method](path).expect(401);
    });
  });
});
