import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The only code that writes campaign_recipients (campaign_counters follow through the trigger of migration CampaignCounterTrigger, inside the same statements).
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class RecipientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Launch and user actions (campaigns/) ──
  // (methods of this section go below this line)

  // ·

  // ── Sending (sender/) ──
  // (methods of this section go below this line)

  // ·

  // ── Delivery statuses (webhooks/) ──
  // (methods of this section go below this line)

  // ·
}
