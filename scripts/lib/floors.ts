/**
 * The floors of scripts/floors/, run by the benchmarks in the same run as the engine, on the same
 * PostgreSQL server: the engine's figure is then quoted as a ratio to the floor's, which holds across
 * machines that differ by 2× in absolute speed.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** scripts/floors in the checkout (the build does not copy .mjs files into dist/). */
const FLOORS = resolve(import.meta.dirname, '..', '..', '..', 'scripts', 'floors');

function runFloor(script: string, args: string[], until: RegExp, timeoutMs: number): Promise<{ match: RegExpExecArray; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [resolve(FLOORS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = until.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolvePromise({
        match,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      if (until.test(output)) return;
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was done:\n${output.slice(-2000)}`));
    });
  });
}

/**
 * Before a measured phase (a floor's run or the engine's): VACUUM (ANALYZE), so autovacuum does not
 * pick the seeded or just-written tables during the phase (its naptime is a minute: it ran inside
 * some runs and not others), then CHECKPOINT, so the dirty buffers and WAL the phase before left (a
 * 1M-row floor import writes hundreds of MB) are not flushed during this one. The CHECKPOINT needs
 * superuser or pg_checkpoint: without, it says so once and the phases run without it.
 */
let checkpointRefusal: string | null = null;
export async function settleDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
    if (checkpointRefusal) return;
    await client.query('CHECKPOINT').catch((error: unknown) => {
      checkpointRefusal = error instanceof Error ? error.message : String(error);
      console.log(`(no CHECKPOINT between phases: ${checkpointRefusal})`);
    });
  } finally {
    await client.end();
  }
}

/**
 * floor-send.mjs against a 360dialog stand-in: claims, 64 requests in flight, outcomes written back.
 * The rate is measured by the caller the same way as the engine's (at the sandbox).
 */
export async function sendFloor(options: { fakeUrl: string; apiKey: string; databaseUrl: string; recipients: number }): Promise<{ sent: number; seconds: number }> {
  const run = await runFloor(
    'floor-send.mjs',
    ['--fake', options.fakeUrl, '--api-key', options.apiKey, '--database-url', options.databaseUrl, '--n', String(options.recipients)],
    /DONE (\d+) ([\d.]+)/,
    600_000,
  );
  await run.stop();
  return { sent: Number(run.match[1]), seconds: Number(run.match[2]) };
}

/** floor-webhook.mjs listening on a free port until stop(); its table is dropped by stop(). */
export async function webhookFloor(options: { databaseUrl: string; authorization: string }): Promise<{ port: number; stop(): Promise<void> }> {
  const run = await runFloor('floor-webhook.mjs', ['--port', '0', '--database-url', options.databaseUrl, '--auth', options.authorization], /READY (\d+)/, 60_000);
  return {
    port: Number(run.match[1]),
    stop: async () => {
      await run.stop();
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query('DROP TABLE IF EXISTS floor_inbox');
      await client.end();
    },
  };
}

/**
 * The import floor of scripts/floors/README.md: a client-side COPY of the CSV (as psql's \copy does)
 * into an unlogged stage table, then one INSERT … ON CONFLICT DO NOTHING into a table with a unique
 * phone index. Returns the wall time of the two; the tables are dropped afterwards.
 * `columns`: the CSV's header as stage column names; `insert`: the INSERT's target columns and SELECT list.
 */
export async function importFloor(options: {
  databaseUrl: string;
  csvPath: string;
  columns: string[];
  insert: { columns: string; select: string };
}): Promise<{ seconds: number; rows: number }> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS floor_stage, floor_contacts');
    await client.query(`CREATE UNLOGGED TABLE floor_stage (${options.columns.map((column) => `${column} text`).join(', ')})`);
    await client.query('CREATE TABLE floor_contacts (id bigserial PRIMARY KEY, phone text NOT NULL UNIQUE, first_name text, last_name text, attributes jsonb)');
    const started = performance.now();
    await pipeline(createReadStream(options.csvPath), client.query(copyFrom('COPY floor_stage FROM STDIN WITH (FORMAT csv, HEADER true)')));
    const inserted = await client.query(
      `INSERT INTO floor_contacts (${options.insert.columns}) SELECT ${options.insert.select} FROM floor_stage WHERE phone IS NOT NULL ON CONFLICT (phone) DO NOTHING`,
    );
    return { seconds: (performance.now() - started) / 1000, rows: inserted.rowCount ?? 0 };
  } finally {
    await client.query('DROP TABLE IF EXISTS floor_stage, floor_contacts').catch(() => undefined);
    await client.end();
  }
}

/**
 * One comparison line: the engine's figure, the floor's, the ratio and the target it must meet.
 * `better`: 'higher' for rates (ratio = engine ÷ floor ≥ target), 'lower' for times (engine ÷ floor ≤ target).
 * `floor` may be two runs, one before and one after the engine's (`bracketed`): the engine is compared to
 * their mean. This machine kind changed speed by up to 40% within minutes, so a floor run only after the
 * engine's (or only before) could be measured on a faster or slower machine than the engine was.
 */
export function compareToFloor(
  what: string,
  engine: number,
  floor: number | readonly number[],
  unit: string,
  target: number,
  better: 'higher' | 'lower',
): { ratio: number; ok: boolean; line: string } {
  const runs = typeof floor === 'number' ? [floor] : floor;
  const floorFigure = runs.reduce((sum, run) => sum + run, 0) / runs.length;
  const ratio = engine / floorFigure;
  const ok = better === 'higher' ? ratio >= target : ratio <= target;
  const format = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 2 : 0 });
  const floorText =
    runs.length === 2 ? `${format(floorFigure)} ${unit} (mean of ${format(runs[0])} before and ${format(runs[1])} after)` : `${format(floorFigure)} ${unit}`;
  const line =
    `${what}: engine ${format(engine)} ${unit}, floor ${floorText} → ${ratio.toFixed(2)}× the floor ` +
    `(target ${better === 'higher' ? '≥' : '≤'} ${target}×) ${ok ? 'ok' : 'MISSED'}`;
  return { ratio, ok, line };
}
