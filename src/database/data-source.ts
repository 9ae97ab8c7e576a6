import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions, entitiesGlob } from './data-source-options.js';

// Used by the TypeORM CLI only (on the compiled file): `npm run migration:generate -- migrations/Name`.
const config = loadConfig();
if (!config.env.DATABASE_URL) throw new Error('Set DATABASE_URL to run the TypeORM CLI');

export default new DataSource({ ...dataSourceOptions(config.env.DATABASE_URL, 2), entities: [entitiesGlob] });
