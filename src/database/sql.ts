import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** Runs a statement and returns how many rows it touched (TypeORM's plain query() hides this for INSERT). */
export async function execute(manager: EntityManager, sql: string, parameters: unknown[] = []): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** Runs `work` on a pg client of the pool held for it alone (what COPY needs), and gives the client back. */
export async function withPoolClient<T>(dataSource: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    return await work((await runner.connect()) as PoolClient);
  } finally {
    await runner.release();
  }
}
