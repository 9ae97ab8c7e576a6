import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_MAIN } from '../scripts/lib/engine-process.js';

const ROOT = join(import.meta.dirname, '..');

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * e2e tests that need the engine as a real child process (a Node flag such as --max-old-space-size, or a
 * SIGKILL) run the built engine: this builds it first when dist/ is missing or older than the sources.
 */
export function ensureBuiltEngine(): void {
  const built = existsSync(ENGINE_MAIN) ? statSync(ENGINE_MAIN).mtimeMs : 0;
  const sources = Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')));
  if (built >= sources) return;
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}
