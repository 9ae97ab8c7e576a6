import { extname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';

const ownExtension = extname(import.meta.filename);
const projectRoot = join(import.meta.dirname, '..', '..');

/** Entities for the TypeORM CLI, by the running file's own extension (`.ts` under jest, `.js` under dist). */
export const entitiesGlob = join(projectRoot, 'src', '**', `*.entity${ownExtension}`);

export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    // jit off for the engine's sessions: its statements are short, and once the planner's estimate of one
    // passes jit_above_cost the compilation costs more than the statement. The sender's claim
    // (CLAIM_PICKED) does as soon as frequency_ledger has statistics: ~4.5 s of JIT for a 5,000-row claim
    // that runs in ~0.4 s without (EXPLAIN ANALYZE in docs/performance.md, "Send, third pass").
    extra: { max: poolSize, application_name: 'wa-campaign-engine', options: '-c jit=off' },
  };
}
