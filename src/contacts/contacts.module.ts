import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentEvent } from './consent-event.entity.js';
import { Contact } from './contact.entity.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { ContactImport, ImportError } from './import.entity.js';
import { ImportFailures } from './import/import-failures.js';
import { ImportProcessor } from './import.processor.js';
import { ImportsController } from './imports.controller.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';
import { ContactList, ListMember } from './list.entity.js';
import { ListsController } from './lists.controller.js';
import { ListsService } from './lists.service.js';

/**
 * Contacts, the opt-in registry, lists and the CSV import. ContactsRepository is exported for the
 * webhook processor (touchLastInbound, optOutByKeyword).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Contact, ConsentEvent, ContactList, ListMember, ContactImport, ImportError])],
  controllers: [ImportsController, ContactsController, ListsController],
  providers: [ContactsService, ContactsRepository, ListsService, ImportsService, ImportsRepository, ImportProcessor, ImportFailures],
  exports: [ContactsService, ContactsRepository],
})
export class ContactsModule {}
