import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { LIVENESS_LOCK, LIVENESS_UNLOCK, TRY_LIVENESS_LOCK } from './import.queries.js';

interface HeldConnection {
  runner: QueryRunner;
  client: Promise<PoolClient>;
  count: number;
  /** The connection's statements run one after another (pg 9 no longer queues them for us). */
  tail: Promise<unknown>;
}

/**
 * The liveness locks of one process's imports. One pooled connection holds the advisory lock of every
 * import the process has accepted, queued or running, so another engine's recovery never fails an import
 * that is only waiting its turn; the connection goes back to the pool when the last one is released.
 */
export class ImportLiveness {
  private held: HeldConnection | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Takes the import's lock; throws (holding nothing) when it cannot. */
  async hold(importId: string): Promise<void> {
    const held = this.acquire();
    try {
      await this.query(held, LIVENESS_LOCK, importId);
    } catch (error) {
      await this.release(importId);
      throw error;
    }
  }

  /**
   * Takes the import's lock only if nobody holds it (recovery adopting an abandoned import): true when
   * it is held now (release it like one taken by hold()). Never call it for an import this process holds:
   * advisory locks are re-entrant within the one session.
   */
  async tryHold(importId: string): Promise<boolean> {
    const held = this.acquire();
    let locked = false;
    try {
      locked = (await this.query<{ locked: boolean }>(held, TRY_LIVENESS_LOCK, importId)).rows[0]?.locked === true;
    } finally {
      if (!locked) await this.drop(held);
    }
    return locked;
  }

  /** Gives the import's lock up; never throws. */
  async release(importId: string): Promise<void> {
    const held = this.held!;
    await this.query(held, LIVENESS_UNLOCK, importId).catch(() => undefined);
    await this.drop(held);
  }

  private acquire(): HeldConnection {
    if (!this.held) {
      const runner = this.dataSource.createQueryRunner();
      this.held = { runner, client: runner.connect() as Promise<PoolClient>, count: 0, tail: Promise.resolve() };
    }
    this.held.count++;
    return this.held;
  }

  private async drop(held: HeldConnection): Promise<void> {
    if (--held.count === 0) {
      if (this.held === held) this.held = undefined;
      await held.runner.release().catch(() => undefined);
    }
  }

  private query<T extends object = object>(held: HeldConnection, sql: string, importId: string): Promise<QueryResult<T>> {
    const result = held.tail.then(async () => (await held.client).query<T>(sql, [importId]));
    held.tail = result.catch(() => undefined);
    return result;
  }
}
