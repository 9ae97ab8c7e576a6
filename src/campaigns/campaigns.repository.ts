import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The only code that writes campaigns.
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Create, edit, user actions and the scheduler (campaigns/) ──
  // (methods of this section go below this line)

  // ·

  // ── Pauses decided by the sender (sender/) ──
  // (methods of this section go below this line)

  // ·
}
