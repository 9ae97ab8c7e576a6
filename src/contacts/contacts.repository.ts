import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The only code that writes contacts, list_members, lists and consent_events outside an import's own transaction (contacts/import/).
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class ContactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── API: opt-in, opt-out, lists (contacts/) ──
  // (methods of this section go below this line)

  // ·

  // ── Inbound messages: last inbound time, opt-out by keyword (webhooks/) ──
  // (methods of this section go below this line)

  // ·
}
