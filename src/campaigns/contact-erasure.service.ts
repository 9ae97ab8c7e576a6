import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { erasureKey, phoneHash } from '../contacts/phone-hash.js';
import { RecipientsRepository } from './recipients.repository.js';
import { RepliesRepository } from './replies.repository.js';

/**
 * DELETE /v1/contacts/:id. Lives in campaigns/ because it reaches campaign_recipients, which contacts/
 * may not know. One transaction: the recipients' personal fields (RecipientsRepository), the replies'
 * (RepliesRepository: phone, WhatsApp id, text), then the contact, its consent history and list
 * memberships (ContactsRepository), which keeps only the keyed hash of an opted-out person's number so
 * an import of it again stays opted out. Webhook bodies that named the person go with retention
 * (WEBHOOK_INBOX_RETENTION_DAYS); the sender's messaging-limit window (channel_conversations, by
 * WhatsApp id, in sender/, which this folder may not reach) drops every row 24 h after its
 * conversation opened (ConversationsRepository.pruneExpired): until then WhatsApp still counts that
 * conversation against the channel's limit, so erasing it earlier would let the engine overrun it.
 */
@Injectable()
export class ContactErasureService {
  private readonly key: Buffer;

  constructor(
    config: AppConfig,
    private readonly contactsService: ContactsService,
    private readonly contacts: ContactsRepository,
    private readonly recipients: RecipientsRepository,
    private readonly replies: RepliesRepository,
  ) {
    this.key = erasureKey(config.encryptionKey);
  }

  async erase(contactId: string): Promise<{ recipients: number }> {
    let recipients = 0;
    await this.contactsService.inContactsTransaction(async (manager) => {
      const contact = await this.contactsService.findForErasure(manager, contactId);
      recipients = await this.recipients.eraseContact(contactId, manager);
      await this.replies.eraseContact(contactId, manager);
      await this.contacts.erase(contactId, phoneHash(this.key, contact.phone), manager);
    });
    return { recipients };
  }
}
