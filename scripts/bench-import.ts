/**
 * Import benchmark: `npm run bench:import -- --rows 1000000`.
 *
 * Generates a realistic contacts CSV (phones in mixed national/international formats, ~2% invalid,
 * ~1% missing, ~2% in-file duplicates, quoted fields with commas and newlines, extra columns), starts
 * the built engine as a child process on a fresh database (PostgreSQL at DATABASE_URL or
 * 127.0.0.1:5432 when it answers, else the engine's embedded PostgreSQL), imports the file through
 * the HTTP API, polls until done and prints rows/s, wall time and the engine's peak RSS (VmHWM).
 * Then imports the same file again (every row now updates an existing contact) and prints the same.
 * Before the engine starts and again once it has stopped, the import floor (scripts/lib/floors.ts:
 * client-side COPY of the same file into an unlogged table, one INSERT … ON CONFLICT DO NOTHING) on the
 * same database server; the first import's wall time is quoted as a ratio to the mean of the two (target
 * ≤ 1.5×, issue 18). Without a PostgreSQL server the engine runs embedded and the floor is skipped (said so).
 *
 * Options: --rows N (default 1000000), --keep (leave the CSV and database behind), --verbose (engine's
 * stderr shown).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { ENGINE_NODE_FLAGS } from './lib/engine-process.js';
import { compareToFloor, importFloor, settleDatabase } from './lib/floors.js';
import { compareCpu, cpuMark, cpuSince, type CpuUsage, describeCpu } from './lib/machine-cpu.js';

/** Issue 18: the first import of a file at most this many times the floor's wall time. */
const IMPORT_TARGET = 1.5;

const TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const projectRoot = join(import.meta.dirname, '..', '..');

interface Options {
  rows: number;
  keep: boolean;
  verbose: boolean;
}

let verbose = false;

function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 1_000_000, keep: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') options.rows = Number(argv[++i]);
    else if (argv[i].startsWith('--rows=')) options.rows = Number(argv[i].slice(7));
    else if (argv[i] === '--keep') options.keep = true;
    else if (argv[i] === '--verbose') options.verbose = true;
  }
  if (!Number.isInteger(options.rows) || options.rows < 1) throw new Error('--rows must be a positive integer');
  return options;
}

// ---------------------------------------------------------------------------------------------
// The CSV
// ---------------------------------------------------------------------------------------------

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hans', 'Ida', 'Jonas', 'Lena', 'Maria', 'Noah', 'Olga', 'Paul', 'Zoë', 'José', 'Łukasz'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', "O'Brien", 'García', 'Nguyen', 'Smith'];
const CITIES = ['Berlin', 'Hamburg', 'München', 'Köln', '"Frankfurt, Main"', 'Stuttgart', 'London', '"Paris, 75001"'];
const PLANS = ['free', 'gold', 'silver', 'platinum'];
const INVALID = ['12ab', 'n/a', '+49 151', '0000', 'call me', '+1 555', '4.91512E+12'];

interface Generated {
  rows: number;
  bytes: number;
  expectedValid: number;
  expectedDuplicates: number;
  expectedRejected: number;
}

/** Formats one phone of sequence number n in one of the ways people type numbers. */
function phoneFor(n: number, style: number): string {
  const digits8 = String(n % 100_000_000).padStart(8, '0');
  const digits6 = String(n % 1_000_000).padStart(6, '0');
  switch (style) {
    case 0:
      return `+49 151 ${digits8}`; // international with spaces
    case 1:
      return `0152-${digits8}`; // national German (defaultCountry DE)
    case 2:
      return `0049 (0) 160 ${digits8}`; // 00 prefix with a bracketed trunk zero
    case 3:
      return `+4917${(n % 10).toString()}${digits8}`; // E.164
    case 4:
      return `+44 7400 ${digits6}`; // British mobile
    case 5:
      return `+33 6 ${digits8.slice(0, 2)} ${digits8.slice(2, 4)} ${digits8.slice(4, 6)} ${digits8.slice(6)}`; // French
    default:
      return `(0176) ${digits8.slice(0, 4)} ${digits8.slice(4)}`; // national with brackets
  }
}

async function generateCsv(path: string, rows: number): Promise<Generated> {
  const out = createWriteStream(path);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  let bytes = 0;
  const header = 'Phone Number,First Name,Last Name,Email,City,Customer ID,Plan,opted_in_at,Notes\n';
  await write(header);
  bytes += Buffer.byteLength(header);
  const seen: number[] = []; // a window of recent sequence numbers, written again as duplicates
  let expectedValid = 0;
  let expectedDuplicates = 0;
  let expectedRejected = 0;
  let sequence = 0;
  let buffer: string[] = [];
  for (let row = 0; row < rows; row++) {
    const roll = (row * 7919) % 1000; // deterministic spread
    let phone: string;
    if (roll < 20) {
      phone = INVALID[row % INVALID.length];
      expectedRejected++;
    } else if (roll < 30) {
      phone = '';
      expectedRejected++;
    } else if (roll < 50 && seen.length > 0) {
      const earlier = seen[row % seen.length];
      const style = earlier % 7;
      // The same number again, as typed by someone else where the format allows it.
      phone = style === 0 ? `0151${String((earlier + 1_000_000 * style) % 100_000_000).padStart(8, '0')}` : phoneFor(earlier + 1_000_000 * style, style);
      expectedDuplicates++;
    } else {
      const n = ++sequence;
      const style = n % 7;
      phone = phoneFor(n + 1_000_000 * style, style);
      if (seen.length < 5000) seen.push(n);
      else seen[n % 5000] = n;
      expectedValid++;
    }
    const first = FIRST[row % FIRST.length];
    const last = LAST[(row >> 3) % LAST.length];
    const city = CITIES[(row >> 2) % CITIES.length];
    const notes = row % 97 === 0 ? '"called twice,\nprefers ""evening"""' : row % 13 === 0 ? 'VIP' : '';
    const optedIn = row % 5 === 0 ? '' : `2025-${String((row % 12) + 1).padStart(2, '0')}-${String((row % 28) + 1).padStart(2, '0')}T10:00:00Z`;
    const line = `${phone},${first},${last},${first.toLowerCase()}.${row}@example.com,${city},C${row},${PLANS[row % 4]},${optedIn},${notes}\n`;
    buffer.push(line);
    if (buffer.length === 5000) {
      const text = buffer.join('');
      bytes += Buffer.byteLength(text);
      await write(text);
      buffer = [];
    }
  }
  const text = buffer.join('');
  bytes += Buffer.byteLength(text);
  await write(text);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { rows, bytes, expectedValid, expectedDuplicates, expectedRejected };
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
    server.on('error', reject);
  });
}

async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Database {
  url: string | null;
  description: string;
  drop(): Promise<void>;
}

/** The floor on the engine's database server (own tables, dropped afterwards), on the same file. */
async function runImportFloor(databaseUrl: string, file: string, when: 'before' | 'after', rows: number): Promise<{ seconds: number; cpu: CpuUsage | null }> {
  await settleDatabase(databaseUrl);
  const mark = cpuMark();
  const floor = await importFloor({
    databaseUrl,
    csvPath: file,
    columns: ['phone', 'first_name', 'last_name', 'email', 'city', 'customer_id', 'plan', 'opted_in_at', 'notes'],
    insert: {
      columns: 'phone, first_name, last_name, attributes',
      select: "phone, first_name, last_name, jsonb_build_object('email', email, 'city', city, 'customer_id', customer_id, 'plan', plan, 'notes', notes)",
    },
  });
  const cpu = cpuSince(mark);
  console.log(`Import floor (${when} the engine): ${floor.rows.toLocaleString('en-US')} rows inserted in ${floor.seconds.toFixed(2)} s (COPY + INSERT … ON CONFLICT DO NOTHING)`);
  console.log(`  ${describeCpu(cpu, rows, 'row of the file')}`);
  return { seconds: floor.seconds, cpu };
}

async function prepareDatabase(keep: boolean): Promise<Database> {
  const candidates = [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter((url): url is string => Boolean(url));
  for (const serverUrl of candidates) {
    if (!(await serverAnswers(serverUrl))) continue;
    const name = `wa_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      description: `PostgreSQL at ${url.host}, fresh database ${name}`,
      drop: async () => {
        if (keep) return;
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  return { url: null, description: 'embedded PostgreSQL (no server answered at DATABASE_URL or 127.0.0.1:5432)', drop: async () => undefined };
}

interface Engine {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

async function startEngine(database: Database, dataDir: string): Promise<Engine> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    API_TOKEN: TOKEN,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SENDER_ENABLED: 'false',
    UPLOAD_LIMIT_MB: '1024',
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
  };
  if (database.url) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;
  const main = join(projectRoot, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build`);
  // The engine runs with npm start's Node flags, as users run it; BENCH_ENGINE_NODE_ARGS="--cpu-prof
  // --cpu-prof-dir=/tmp/prof" profiles it.
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, ...nodeArgs, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (verbose) process.stderr.write(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (verbose) process.stderr.write(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the engine did not become healthy:\n${output}`);
    await sleep(200);
  }
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Resets the kernel's peak-RSS mark (VmHWM) so that each run reports its own peak. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

interface ImportStatus {
  status: string;
  totalRows: number;
  imported: number;
  updated: number;
  duplicates: number;
  rejected: number;
  optedOut: number;
  failureReason: string | null;
}

async function runImport(engine: Engine, file: string, label: string): Promise<{ status: ImportStatus; seconds: number; peakMb: number; cpu: CpuUsage | null }> {
  const pid = engine.child.pid!;
  const peakReset = resetPeak(pid);
  const mark = cpuMark();
  const started = performance.now();
  // The file streamed from disk by supertest (form-data over node:http). fetch with a FormData of the
  // file cost the bench process ~1.2 s of CPU per upload, on the cores the engine is measured on.
  const accepted = await request(engine.url)
    .post('/v1/contacts/imports')
    .set('authorization', `Bearer ${TOKEN}`)
    .field('list', 'Benchmark')
    .field('defaultCountry', 'DE')
    .field('optInSource', 'benchmark')
    .attach('file', file, { filename: 'contacts.csv', contentType: 'text/csv' });
  if (accepted.status !== 202) throw new Error(`upload answered ${accepted.status}: ${accepted.text}`);
  const { id } = accepted.body as { id: string };
  const uploadedMs = performance.now() - started;
  let status: ImportStatus;
  for (;;) {
    await sleep(100);
    const response = await fetch(`${engine.url}/v1/contacts/imports/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    status = (await response.json()) as ImportStatus;
    if (status.status === 'completed' || status.status === 'failed') break;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSince(mark);
  const { peakMb } = memoryOf(pid);
  const rate = Math.round(status.totalRows / seconds);
  console.log(`${label}: ${status.status}${status.failureReason ? ` (${status.failureReason})` : ''}`);
  console.log(
    `  rows ${status.totalRows}: imported ${status.imported}, updated ${status.updated}, duplicates ${status.duplicates}, rejected ${status.rejected}` +
      ` (opted out ${status.optedOut})`,
  );
  console.log(`  wall time ${seconds.toFixed(2)} s (upload + 202 in ${(uploadedMs / 1000).toFixed(2)} s), ${rate.toLocaleString('en-US')} rows/s`);
  console.log(`  engine peak RSS ${peakMb.toFixed(0)} MB${peakReset ? '' : ' (since engine start: /proc/<pid>/clear_refs not writable)'}`);
  console.log(`  ${describeCpu(cpu, status.totalRows || 1, 'row of the file')}`);
  return { status, seconds, peakMb, cpu };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  verbose = options.verbose;
  const work = mkdtempSync(join(tmpdir(), 'wa-bench-import-'));
  const file = join(work, `contacts-${options.rows}.csv`);
  console.log(`Generating ${options.rows.toLocaleString('en-US')} rows …`);
  const generated = await generateCsv(file, options.rows);
  console.log(
    `  ${file}: ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB; expected ${generated.expectedValid} distinct valid numbers, ` +
      `${generated.expectedDuplicates} duplicates, ${generated.expectedRejected} rejects`,
  );
  const database = await prepareDatabase(options.keep);
  let engine: Engine | null = null;
  let failed = false;
  let engineStopped = false;
  try {
    // The floor before the engine starts and again after it stopped: the first import is compared to the
    // mean of the two (compareToFloor: this machine's speed drifts within minutes).
    const floorBefore = database.url ? await runImportFloor(database.url, file, 'before', options.rows) : null;
    engine = await startEngine(database, join(work, 'data'));
    console.log(`Engine pid ${engine.child.pid} on ${database.description}; baseline RSS ${memoryOf(engine.child.pid!).rssMb.toFixed(0)} MB`);
    if (database.url) await settleDatabase(database.url);
    const first = await runImport(engine, file, 'First import');
    const second = await runImport(engine, file, 'Re-import of the same file');
    await engine.stop();
    engineStopped = true;
    const floorAfter = database.url ? await runImportFloor(database.url, file, 'after', options.rows) : null;
    const verdict =
      floorBefore && floorAfter ? compareToFloor('First import against the floor', first.seconds, [floorBefore.seconds, floorAfter.seconds], 's', IMPORT_TARGET, 'lower') : null;
    console.log(verdict ? verdict.line : 'Import floor not run: the engine used its embedded PostgreSQL (set DATABASE_URL to compare)');
    const cpu = floorBefore && floorAfter ? compareCpu({ usage: first.cpu, count: options.rows }, [floorBefore, floorAfter].map((floor) => ({ usage: floor.cpu, count: options.rows })), 'row of the file') : null;
    if (cpu) console.log(cpu);
    const checks = [
      ['first import completed', first.status.status === 'completed'],
      ['re-import completed', second.status.status === 'completed'],
      ['counts add up', [first, second].every(({ status }) => status.imported + status.updated + status.duplicates + status.rejected === status.totalRows)],
      ['first import: every distinct valid number imported', first.status.imported === generated.expectedValid],
      ['first import: duplicates and rejects as generated', first.status.duplicates === generated.expectedDuplicates && first.status.rejected === generated.expectedRejected],
      ['re-import: nothing new, every contact updated', second.status.imported === 0 && second.status.updated === generated.expectedValid],
      verdict
        ? [`first import ≤ ${IMPORT_TARGET}× the floor`, verdict.ok || options.rows < 100_000]
        : ['1M rows ≤ 20 s (scaled to the row count; no floor to compare with)', Math.max(first.seconds, second.seconds) <= (20 * options.rows) / 1_000_000 || options.rows < 100_000],
      ['peak RSS ≤ 300 MB', Math.max(first.peakMb, second.peakMb) <= 300],
      ['re-import no slower (±10%)', second.seconds <= first.seconds * 1.1],
    ] as const;
    console.log('Checks:');
    for (const [name, ok] of checks) {
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
      if (!ok) failed = true;
    }
  } finally {
    if (engine && !engineStopped) await engine.stop();
    await database.drop();
    if (!options.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`Kept ${dirname(file)}`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
