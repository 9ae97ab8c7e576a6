import { DataSource, type DataSourceOptions } from 'typeorm';

const MIGRATION_LOCK_KEY = 720_360_001;

/**
 * TypeORM takes no lock of its own; two instances migrating one fresh database at once collide on
 * catalog rows. A session-level advisory lock serialises them.
 */
export async function runMigrationsWithLock(options: DataSourceOptions): Promise<string[]> {
  const dataSource = new DataSource({ ...options, entities: [], extra: { max: 2 } } as DataSourceOptions);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
