import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { erasureKey, phoneHash } from '../contacts/phone-hash.js';
import { RecipientsRepository } from './recipients.repository.js';

/**
 * DELETE /v1/contacts/:id. Lives in campaigns/ because it reaches campaign_recipients, which contacts/
 * may not know. One transaction: the recipients' personal fields (RecipientsRepository), then the
 * contact, its consent history and list memberships (ContactsRepository), which keeps only the keyed hash
 * of an opted-out person's number so an import of it again stays opted out. Webhook bodies that named
 * the person go with retention (WEBHOOK_INBOX_RETENTION_DAYS).
 */
@Injectable()
export class ContactErasureService {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly contactsService: ContactsService,
    private readonly contacts: ContactsRepository,
    private readonly recipients: RecipientsRepository,
  ) {
    this.key = erasureKey(config.encryptionKey);
  }

  async erase(contactId: string): Promise<{ recipients: number }> {
    let recipients = 0;
    await this.contactsService.inContactsTransaction(async (manager) => {
      const contact = await this.contactsService.findForErasure(manager, contactId);
      recipients = await this.recipients.eraseContact(contactId, manager);
      await this.contacts.erase(contactId, phoneHash(this.key, contact.phone), manager);
    });
    return { recipients };
  }
}
