import type { EntityManager } from 'typeorm';

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
