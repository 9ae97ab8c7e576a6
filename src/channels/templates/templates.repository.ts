import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The only code that writes `templates` (a channel's message templates as WhatsApp last told us).
 * A method that must join the caller's transaction takes its EntityManager as the last argument (`db`).
 */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  protected manager(db?: EntityManager): EntityManager {
    return db ?? this.dataSource.manager;
  }

  // ── Registry: sync from 360dialog and reads (channels/templates/) ──
  // (methods of this section go below this line)

  // ·

  // ── Template webhooks: status and category updates (webhooks/) ──
  // (methods of this section go below this line)

  // ·
}
