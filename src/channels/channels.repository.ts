import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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

  // ·
}
