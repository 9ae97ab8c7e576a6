/**
 * The house rules of src/, checked on every `npm test` (docs/architecture.md):
 * - imports between capability folders flow one way (LAYERS below), so no folder cycle can form;
 * - no module cycle inside a folder either;
 * - no file over MAX_LINES without a reason stated at its top.
 * Imports are read with TypeScript's own pre-processor (type-only imports count: they couple too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve(process.cwd(), 'src');

/**
 * Each folder may import only the folders listed for it. Read bottom-up: whatsapp and common know no
 * capability; channels and contacts build on them; campaigns on those; sender, webhooks and reports sit on top.
 */
const LAYERS: Record<string, readonly string[]> = {
  config: [],
  common: ['config'],
  whatsapp: ['common', 'config'],
  metrics: ['common', 'config'],
  // The rate card and cost arithmetic: no capability, so every layer above may price.
  pricing: ['common', 'config'],
  database: ['common', 'config'],
  health: ['common', 'config'],
  channels: ['whatsapp', 'common', 'config', 'database'],
  contacts: ['common', 'config', 'database'],
  // Audiences (who a campaign reaches, segments, the preview) sit below campaigns: campaigns build the
  // launch on their SQL; audiences read campaign_recipients in SQL only (retargeting), never import campaigns.
  audiences: ['channels', 'contacts', 'common', 'config', 'database'],
  campaigns: ['audiences', 'channels', 'contacts', 'whatsapp', 'common', 'config', 'database'],
  sender: ['campaigns', 'channels', 'contacts', 'whatsapp', 'common', 'config', 'database', 'metrics'],
  webhooks: ['campaigns', 'channels', 'contacts', 'whatsapp', 'common', 'config', 'database', 'metrics', 'pricing'],
  reports: ['campaigns', 'channels', 'contacts', 'whatsapp', 'common', 'config', 'database', 'metrics', 'pricing', 'audiences'],
  // A stand-in for 360dialog: it speaks the protocol (whatsapp/) and knows nothing of the engine.
  sandbox: ['whatsapp', 'common'],
  // Serves the built web console (web/) as static files; knows no capability.
  console: [],
};

const MAX_LINES = 350;
/** A file longer than MAX_LINES says why in its first lines, with this phrase. */
const LENGTH_REASON = /longer than \d+ lines because/i;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to absolute .ts paths (`./x.js` is the compiled name of `./x.ts`). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

/** `src/<folder>/…` → folder; files directly in src/ (main, app.module) → null: they wire everything. */
function folderOf(file: string): string | null {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0] : null;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('architecture', () => {
  const edges = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (from === null) continue;
    for (const target of targets) {
      const to = target.startsWith(SRC) ? folderOf(target) : null;
      if (to === null || to === from) continue;
      const key = `${from} → ${to}`;
      edges.set(key, (edges.get(key) ?? new Set()).add(relative(SRC, file)));
    }
  }

  it('knows every folder under src/', () => {
    const folders = new Set(files.map(folderOf).filter((folder): folder is string => folder !== null));
    expect([...folders].filter((folder) => !(folder in LAYERS))).toEqual([]);
  });

  it('has imports between folders only in the allowed direction', () => {
    const forbidden = [...edges].filter(([key]) => {
      const [from, to] = key.split(' → ');
      return !LAYERS[from]?.includes(to);
    });
    expect(forbidden.map(([key, importers]) => `${key} (${[...importers].join(', ')})`)).toEqual([]);
  });

  it('allows no cycle between folders', () => {
    // The layer table admits none; this checks the table itself stays acyclic as it grows.
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      if (done.has(folder)) return;
      if (visiting.has(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
        return;
      }
      visiting.add(folder);
      for (const next of LAYERS[folder] ?? []) visit(next, [...path, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of Object.keys(LAYERS)) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it(`keeps files under ${MAX_LINES} lines or says why at the top`, () => {
    const long = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return text.split('\n').length > MAX_LINES && !LENGTH_REASON.test(text.slice(0, 1500));
    });
    expect(long.map((file) => relative(SRC, file))).toEqual([]);
  });
});
