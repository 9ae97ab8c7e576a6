import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';

/**
 * The only code that writes channels.
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class ChannelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Create, edit, webhook registration (channels/) ──
  // (methods of this section go below this line)

  // ·

  // ── Pause and throttling decided by the sender (sender/) ──
  // (methods of this section go below this line)

  /** Pauses the channel with a reason; keeps the first reason if it is already paused. True when this call paused it. */
  async pauseForSendFailure(id: string, reason: string, db?: EntityManager): Promise<boolean> {
    const [, paused] = (await (db ?? this.dataSource).query(
      `UPDATE channels SET paused_reason = $2, updated_at = now() WHERE id = $1 AND paused_reason IS NULL`,
      [id, reason],
    )) as [unknown[], number];
    return paused > 0;
  }

  /** Records a throttling answer: the sender runs the channel slower until `until` (only ever extended). */
  async markThrottled(id: string, until: Date, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource).query(
      `UPDATE channels SET throttled_until = $2, updated_at = now() WHERE id = $1 AND (throttled_until IS NULL OR throttled_until < $2)`,
      [id, until],
    );
  }

  // ·
}
