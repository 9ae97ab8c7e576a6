import request from 'supertest';
import { ImportProcessor } from '../src/contacts/import.processor.js';
import { createTestApp, type TestApp } from './app.js';
import { contactByPhone, germanMobile, importCsv } from './contacts-helpers.js';

/**
 * The import through the real HTTP API on a real PostgreSQL: every file shape people export, every
 * reject reason with the physical line it starts on, exact accounting.
 */
describe('contacts import: file shapes, rejects, accounting', () => {
  let engine: TestApp;
  let processor: ImportProcessor;

  beforeAll(async () => {
    engine = await createTestApp({ env: { SENDER_ENABLED: 'false' } });
    processor = engine.app.get(ImportProcessor);
  });
  afterEach(() => {
    processor.chunkRows = 50_000;
  });
  afterAll(() => engine.close());

  describe('header aliases', () => {
    it.each([
      ['phone', 1],
      ['Phone Number', 11],
      ['  MOBILE  ', 12],
      ['msisdn', 13],
      ['MSISDN', 14],
      ['phone_number', 15],
    ])('reads the phone column named %j', async (name, n) => {
      const status = await importCsv(engine, `${name},first_name\n${germanMobile(n)},Anna\n`);
      expect(status).toMatchObject({ status: 'completed', totalRows: 1, imported: 1, rejected: 0 });
      expect(await contactByPhone(engine, germanMobile(n))).toMatchObject({ firstName: 'Anna' });
    });

    it('reads a wa_id column as digits with the country code, whatever defaultCountry says', async () => {
      const status = await importCsv(engine, 'WA_ID,first_name\n447400123456,Olivia\n', { defaultCountry: 'DE' });
      expect(status).toMatchObject({ status: 'completed', imported: 1 });
      expect(await contactByPhone(engine, '+447400123456')).toMatchObject({ waId: '447400123456', country: 'GB', firstName: 'Olivia' });
    });
  });

  describe('delimiters, BOM, quoting, line endings', () => {
    it('detects ; and reads a BOM, CRLF and quoted fields holding the delimiter and line breaks', async () => {
      const csv =
        '\uFEFFPhone;Name;Note\r\n' +
        `${germanMobile(101)};"Müller; Anna";"first line\r\nsecond; line"\r\n` +
        `${germanMobile(102)};Ben;"say ""hi"""\r\n` +
        'not-a-number;Bad;x\r\n';
      const status = await importCsv(engine, csv, { list: 'Semicolons' });
      expect(status).toMatchObject({ status: 'completed', totalRows: 3, imported: 2, rejected: 1 });
      // The quoted CRLF makes the first record span lines 2-3, so the reject is on line 5.
      expect(status.errors).toEqual([{ line: 5, value: 'not-a-number', reason: 'invalid phone number' }]);
      const anna = await contactByPhone(engine, germanMobile(101));
      expect(anna.attributes).toEqual({ name: 'Müller; Anna', note: 'first line\r\nsecond; line' });
      expect((await contactByPhone(engine, germanMobile(102))).attributes).toEqual({ name: 'Ben', note: 'say "hi"' });
    });

    it('detects tab-separated files', async () => {
      const csv = `mobile\tfirst_name\tlast_name\n${germanMobile(111)}\tTabea\tTab\n\t\t\n${germanMobile(112)}\t"Quoted\tTab"\tX\n`;
      const status = await importCsv(engine, csv);
      expect(status).toMatchObject({ status: 'completed', totalRows: 2, imported: 2, rejected: 0 });
      expect(await contactByPhone(engine, germanMobile(112))).toMatchObject({ firstName: 'Quoted\tTab', lastName: 'X' });
    });

    it('ignores empty and blank lines (not counted) and keeps physical line numbers', async () => {
      const csv = `phone,first_name\n\n${germanMobile(121)},A\n   \n,,\n\n12ab,B\n\n${germanMobile(122)},C`;
      const status = await importCsv(engine, csv);
      expect(status).toMatchObject({ status: 'completed', totalRows: 3, imported: 2, rejected: 1 });
      expect(status.errors).toEqual([{ line: 7, value: '12ab', reason: 'invalid phone number' }]);
    });

    it('numbers lines from where each record starts, across quoted multi-line fields and CRLF', async () => {
      const csv = [
        'phone,note', // 1
        `${germanMobile(131)},"a`, // 2
        'b', // 3
        'c"', // 4
        'bad1,x', // 5
        `${germanMobile(132)},"one\r\ntwo"`, // 6-7
        'bad2,"multi', // 8
        'line"', // 9
        'bad3,y', // 10
      ].join('\r\n');
      const status = await importCsv(engine, csv);
      expect(status.errors.map((error) => [error.line, error.value])).toEqual([
        [5, 'bad1'],
        [8, 'bad2'],
        [10, 'bad3'],
      ]);
    });
  });

  it('reads files whose line ends change after the header (CRLF header, LF rows and the reverse)', async () => {
    const crlfHeader = `phone,first_name,last_name\r\n${germanMobile(5141)},Mia,"Meyer, Dr."\n12ab,X,Y\n${germanMobile(5142)},Noah,Z\n`;
    const lfHeader = `phone,first_name,last_name\n${germanMobile(5143)},Ida,"Roth, Dr."\r\n12ab,X,Y\r\n${germanMobile(5144)},Ole,Z\r\n`;
    for (const csv of [crlfHeader, lfHeader]) {
      const status = await importCsv(engine, csv);
      expect(status).toMatchObject({ status: 'completed', totalRows: 3, imported: 2, rejected: 1 });
      expect(status.errors).toEqual([{ line: 3, value: '12ab', reason: 'invalid phone number' }]);
    }
    expect(await contactByPhone(engine, germanMobile(5141))).toMatchObject({ firstName: 'Mia', lastName: 'Meyer, Dr.' });
    expect(await contactByPhone(engine, germanMobile(5143))).toMatchObject({ firstName: 'Ida', lastName: 'Roth, Dr.' });
  });

  it('takes a burst of uploads larger than the connection pool: each one completes, none waits on a held connection', async () => {
    const burst = 24; // the tests' pool holds 10 connections
    const statuses = await Promise.all(
      Array.from({ length: burst }, (_, i) => importCsv(engine, `phone,first_name\n${germanMobile(3000 + i)},Burst${i}\n`, { list: `Burst ${i % 3}` })),
    );
    expect(statuses.map((status) => [status.status, status.imported])).toEqual(Array.from({ length: burst }, () => ['completed', 1]));
    const health = await request(engine.url).get('/health').expect(200);
    expect(health.body.status).toBe('ok');
  });

  describe('columns', () => {
    it('maps known columns, puts the others into attributes with snake_case keys, and takes the country from the number', async () => {
      const csv =
        'Phone,First Name,lastName,Language,Opted In At,opt_in_source,Opt-In Proof,Customer ID,Favourite Colour,\n' +
        `${germanMobile(141)},Anna,Alt,de,2024-03-01T10:00:00+01:00,web form,form #17,C-1,,\n`;
      const status = await importCsv(engine, csv, { optInSource: 'ignored when the column has a value' });
      expect(status).toMatchObject({ status: 'completed', imported: 1 });
      expect(await contactByPhone(engine, germanMobile(141))).toMatchObject({
        firstName: 'Anna',
        lastName: 'Alt',
        language: 'de',
        country: 'DE',
        attributes: { customer_id: 'C-1' },
        optedIn: true,
        optedInAt: '2024-03-01T09:00:00.000Z',
        optInSource: 'web form',
        optInProof: 'form #17',
      });
    });

    it('records the import as opt-in evidence when the file has none: its time, optInSource and the line', async () => {
      const response = await importCsv(engine, `phone\n${germanMobile(151)}\n`, { optInSource: 'shop checkbox' });
      const contact = await contactByPhone(engine, germanMobile(151));
      expect(contact).toMatchObject({ optedIn: true, optInSource: 'shop checkbox', optInProof: `import ${response.id} line 2` });
      expect(Date.parse(contact.optedInAt)).toBeLessThanOrEqual(Date.parse(response.finishedAt!));
      const detail = await request(engine.url).get(`/v1/contacts/${contact.id}`).set(engine.auth).expect(200);
      expect(detail.body.consentHistory).toEqual([
        { kind: 'opt_in', source: 'shop checkbox', proof: `import ${response.id} line 2`, occurredAt: contact.optedInAt },
      ]);
      const plain = await importCsv(engine, `phone\n${germanMobile(152)}\n`);
      expect((await contactByPhone(engine, germanMobile(152))).optInSource).toBe('import');
      expect(plain.status).toBe('completed');
    });

    it('uses a country column as the default country of its row', async () => {
      const csv = 'phone,country\n07400 123457,GB\n0151 10000153,\n';
      const status = await importCsv(engine, csv, { defaultCountry: 'DE' });
      expect(status).toMatchObject({ imported: 2, rejected: 0 });
      expect(await contactByPhone(engine, '+447400123457')).toMatchObject({ country: 'GB' });
      expect(await contactByPhone(engine, germanMobile(153))).toMatchObject({ country: 'DE' });
    });
  });

  describe('phone formats', () => {
    it('normalises every common way of writing a number to E.164, and counts the same number twice as a duplicate', async () => {
      const csv = [
        'phone,first_name',
        '+49 151 10000161,a',
        '0049 151 10000162,b',
        '+49 (0)151 10000163,c',
        '(0151) 1000-0164,d',
        '0151/10000165,e',
        '4915110000166,f',
        '0151.1000.0161,duplicate of a',
        '+44 7400 123458,g',
        '+1 (201) 555-0123,h',
      ].join('\n');
      const status = await importCsv(engine, csv, { defaultCountry: 'DE' });
      expect(status).toMatchObject({ status: 'completed', totalRows: 9, imported: 8, duplicates: 1, rejected: 0 });
      for (const n of [161, 162, 163, 164, 165, 166]) expect(await contactByPhone(engine, germanMobile(n))).toBeDefined();
      expect((await contactByPhone(engine, germanMobile(161))).firstName).toBe('a'); // the first row wins
      expect(await contactByPhone(engine, '+12015550123')).toMatchObject({ country: 'US', waId: '12015550123' });
    });
  });

  describe('rejects', () => {
    it('gives each reject its line, raw value and a reason a person understands', async () => {
      const csv = [
        'phone,first_name,opted_in_at', // 1
        `${germanMobile(171)},ok,2024-01-01`, // 2
        ',missing,', // 3
        '12ab,letters,', // 4
        '0151 10000172,national without country,', // 5
        '4.91511E+12,excel,', // 6
        `${germanMobile(173)},bad date,yesterday`, // 7
        `${germanMobile(174)},ambiguous,03/04/2024`, // 8
        `${germanMobile(175)},future,2099-01-01`, // 9
        `${germanMobile(176)},short`, // 10
        `${germanMobile(177)},long,2024-01-01,surplus`, // 11
        `${germanMobile(178)},trailing empty cells are fine,2024-01-01,,`, // 12
        '+49 151 1,too short,', // 13
      ].join('\n');
      const status = await importCsv(engine, csv); // no defaultCountry
      expect(status).toMatchObject({ status: 'completed', totalRows: 12, imported: 2, rejected: 10 });
      expect(status.errors).toEqual([
        { line: 3, value: '', reason: 'missing phone' },
        { line: 4, value: '12ab', reason: 'invalid phone number' },
        { line: 5, value: '0151 10000172', reason: 'phone number without country code' },
        { line: 6, value: '4.91511E+12', reason: 'phone number in scientific notation' },
        { line: 7, value: 'yesterday', reason: 'invalid opted_in_at date' },
        { line: 8, value: '03/04/2024', reason: 'ambiguous opted_in_at date' },
        { line: 9, value: '2099-01-01', reason: 'opted_in_at is in the future' },
        { line: 10, value: `${germanMobile(176)},short`, reason: 'too few columns (expected 3, found 2)' },
        { line: 11, value: `${germanMobile(177)},long,2024-01-01,surplus`, reason: 'too many columns (expected 3, found 4)' },
        { line: 13, value: '+49 151 1', reason: 'invalid phone number' },
      ]);
      expect(status.totalRows).toBe(status.imported + status.updated + status.duplicates + status.rejected);
    });

    it('lists the first 100 rejects in the JSON and every reject in errors.csv, escaped against formula injection', async () => {
      const lines = ['phone,first_name'];
      for (let i = 0; i < 150; i++) lines.push(i === 0 ? '=HYPERLINK("http://evil.example"),x' : `bad${i},x`);
      lines.push(`${germanMobile(181)},good`);
      const status = await importCsv(engine, lines.join('\n'));
      expect(status).toMatchObject({ totalRows: 151, imported: 1, rejected: 150 });
      expect(status.errors).toHaveLength(100);
      expect(status.errors[99]).toEqual({ line: 101, value: 'bad99', reason: 'invalid phone number' });

      const csv = await request(engine.url).get(`/v1/contacts/imports/${status.id}/errors.csv`).set(engine.auth).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(`import-${status.id}-errors.csv`);
      const rows = csv.text.trimEnd().split('\n');
      expect(rows).toHaveLength(151);
      expect(rows[0]).toBe('line,value,reason');
      expect(rows[1]).toBe(`2,"'=HYPERLINK(""http://evil.example"")",invalid phone number`);
      expect(rows[150]).toBe('151,bad149,invalid phone number');
    });

    it('serves an empty errors.csv (header only) for an import without rejects', async () => {
      const status = await importCsv(engine, `phone\n${germanMobile(182)}\n`);
      const csv = await request(engine.url).get(`/v1/contacts/imports/${status.id}/errors.csv`).set(engine.auth).expect(200);
      expect(csv.text).toBe('line,value,reason\n');
    });
  });

  describe('duplicates and chunks', () => {
    it('counts in-file duplicates exactly, across chunk boundaries, the first row winning', async () => {
      processor.chunkRows = 3;
      const rows = ['phone,first_name'];
      for (let i = 0; i < 20; i++) rows.push(`${germanMobile(200 + (i % 7))},row${i + 2}`); // 7 distinct numbers, 13 repeats
      rows.push('nonsense,x');
      const status = await importCsv(engine, rows.join('\n'), { list: 'Chunked' });
      expect(status).toMatchObject({ status: 'completed', totalRows: 21, imported: 7, updated: 0, duplicates: 13, rejected: 1 });
      for (let i = 0; i < 7; i++) expect((await contactByPhone(engine, germanMobile(200 + i))).firstName).toBe(`row${i + 2}`);
      const list = await request(engine.url).get(`/v1/lists/${status.listId}`).set(engine.auth).expect(200);
      expect(list.body).toMatchObject({ name: 'Chunked', memberCount: 7 });
    });

    it('counts a known contact repeated across chunks once as updated, then as duplicates', async () => {
      await importCsv(engine, `phone\n${germanMobile(220)}\n${germanMobile(221)}\n`);
      processor.chunkRows = 2;
      const rows = ['phone,first_name'];
      for (let i = 0; i < 9; i++) rows.push(`${germanMobile(220 + (i % 3))},v${i}`);
      const status = await importCsv(engine, rows.join('\n'));
      expect(status).toMatchObject({ totalRows: 9, imported: 1, updated: 2, duplicates: 6, rejected: 0 });
      expect((await contactByPhone(engine, germanMobile(220))).firstName).toBe('v0');
      expect((await contactByPhone(engine, germanMobile(222))).firstName).toBe('v2');
    });
  });

  describe('lists', () => {
    it('creates the list on the first import and reuses it by name', async () => {
      const first = await importCsv(engine, `phone\n${germanMobile(231)}\n${germanMobile(232)}\n`, { list: 'Spring customers' });
      const second = await importCsv(engine, `phone\n${germanMobile(232)}\n${germanMobile(233)}\n`, { list: ' Spring customers ' });
      expect(second.listId).toBe(first.listId);
      expect(second).toMatchObject({ list: 'Spring customers', imported: 1, updated: 1 });
      const list = await request(engine.url).get(`/v1/lists/${first.listId}`).set(engine.auth).expect(200);
      expect(list.body).toEqual({ id: first.listId, name: 'Spring customers', memberCount: 3, createdAt: expect.any(String) });
    });

    it('imports without a list when none is given', async () => {
      const status = await importCsv(engine, `phone\n${germanMobile(241)}\n`);
      expect(status).toMatchObject({ status: 'completed', listId: null, list: null, imported: 1 });
    });
  });

  it('answers the status contract while queued, running and completed', async () => {
    const status = await importCsv(engine, `phone\n${germanMobile(251)}\n`, { list: 'Contract', defaultCountry: 'de', fileName: 'export.csv' });
    expect(status).toEqual({
      id: expect.any(String),
      status: 'completed',
      listId: expect.any(String),
      list: 'Contract',
      fileName: 'export.csv',
      defaultCountry: 'DE',
      optInSource: null,
      totalRows: 1,
      imported: 1,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      optedOut: 0,
      progress: 1,
      errors: [],
      failureReason: null,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      startedAt: expect.stringMatching(/Z$/),
      finishedAt: expect.stringMatching(/Z$/),
    });
    expect(Date.parse(status.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(status.startedAt!));
  });
});
