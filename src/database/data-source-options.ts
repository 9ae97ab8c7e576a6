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
    extra: { max: poolSize, application_name: 'wa-campaign-engine' },
  };
}
