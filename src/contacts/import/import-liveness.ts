import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { LIVENESS_LOCK, LIVENESS_UNLOCK, TRY_LIVENESS_LOCK } from './import.queries.js';

/**
 * The liveness locks of one process's imports. One pooled connection holds the advisory lock of every
 * import the process has accepted, queued or running, so another engine's recovery never fails an import
 * that is only waiting its turn; the connection goes back to the pool when the last one is released.
 */
export class ImportLiveness {
  private held: { runner: QueryRunner; client: Promise<PoolClient>; count: number } | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Takes the import's lock; throws (holding nothing) when it cannot. */
  async hold(importId: string): Promise<void> {
    if (!this.held) {
      const runner = this.dataSource.createQueryRunner();
      this.held = { runner, client: runner.connect() as Promise<PoolClient>, count: 0 };
    }
    this.held.count++;
    try {
      await (await this.held.client).query(LIVENESS_LOCK, [importId]);
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
    if (!this.held) {
      const runner = this.dataSource.createQueryRunner();
      this.held = { runner, client: runner.connect() as Promise<PoolClient>, count: 0 };
    }
    const held = this.held;
    held.count++;
    let locked = false;
    try {
      locked = (await (await held.client).query<{ locked: boolean }>(TRY_LIVENESS_LOCK, [importId])).rows[0]?.locked === true;
    } finally {
      if (!locked && --held.count === 0) {
        this.held = undefined;
        await held.runner.release().catch(() => undefined);
      }
    }
    return locked;
  }

  /** Gives the import's lock up; never throws. */
  async release(importId: string): Promise<void> {
    const held = this.held!;
    await held.client.then((client) => client.query(LIVENESS_UNLOCK, [importId])).catch(() => undefined);
    if (--held.count === 0) {
      this.held = undefined;
      await held.runner.release().catch(() => undefined);
    }
  }
}
