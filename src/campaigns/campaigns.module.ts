import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AudiencesModule } from '../audiences/audiences.module.js';
import { Channel } from '../channels/channel.entity.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ContactList } from '../contacts/list.entity.js';
import { ContactErasureController } from './contact-erasure.controller.js';
import { ContactErasureService } from './contact-erasure.service.js';
import { Campaign } from './campaign.entity.js';
import { CampaignRecipient } from './campaign-recipient.entity.js';
import { CampaignScheduler } from './campaign-scheduler.service.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsService } from './campaigns.service.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { RecipientsRepository } from './recipients.repository.js';
import { CampaignReply } from './campaign-reply.entity.js';
import { RepliesRepository } from './replies.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign, CampaignRecipient, Channel, ContactList, CampaignReply]), ChannelsModule, AudiencesModule, ContactsModule],
  controllers: [CampaignsController, ContactErasureController],
  providers: [CampaignsService, CampaignScheduler, CampaignsRepository, RecipientsRepository, RepliesRepository, ContactErasureService],
  exports: [CampaignsService, CampaignsRepository, RecipientsRepository, RepliesRepository, TypeOrmModule],
})
export class CampaignsModule {}
