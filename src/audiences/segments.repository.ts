import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TimeIdPosition } from '../common/cursor.js';
import type { Audience } from './audience.js';
import { Segment } from './segment.entity.js';

/**
 * The only code that writes segments.
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class SegmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── API (audiences/) ──
  // (methods of this section go below this line)

  /** A new segment; null when the name is taken (the unique index decides, so two racing saves cannot both win). */
  async create(segment: { name: string; audience: Audience }): Promise<Segment | null> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO segments (name, audience) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [segment.name, JSON.stringify(segment.audience)],
    );
    return rows[0] ? this.findById(rows[0].id) : null;
  }

  findById(id: string, db?: EntityManager): Promise<Segment | null> {
    return (db ?? this.dataSource.manager).getRepository(Segment).findOneBy({ id });
  }

  /**
   * One page of segments, newest first, before `before` (null: the first page); ordered by creation at
   * millisecond precision (what the cursor carries), then id, as campaigns are.
   */
  page(before: TimeIdPosition | null, limit: number): Promise<Segment[]> {
    const query = this.dataSource
      .getRepository(Segment)
      .createQueryBuilder('s')
      .orderBy("date_trunc('milliseconds', s.created_at)", 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit);
    if (before) query.where("(date_trunc('milliseconds', s.created_at), s.id) < (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))", before);
    return query.getMany();
  }

  /**
   * Deletes the segment unless a campaign not launched yet names it (that campaign would fail at launch,
   * which is also what happens should a campaign start naming it while this runs: the launch reads the
   * segment and fails the campaign with the reason).
   */
  async deleteUnlessUsed(id: string): Promise<{ deleted: boolean; usedBy: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const users = await manager.query<Array<{ id: string }>>(
        `SELECT id FROM campaigns
         WHERE audience ->> 'segmentId' = $1 AND launched_at IS NULL AND status IN ('draft', 'scheduled', 'paused', 'running')
         ORDER BY id`,
        [id],
      );
      if (users.length > 0) return { deleted: false, usedBy: users.map((row) => row.id) };
      const [, affected] = await manager.query<[unknown[], number]>(`DELETE FROM segments WHERE id = $1`, [id]);
      return { deleted: affected > 0, usedBy: [] };
    });
  }

  // ·
}
