import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AudiencesModule } from '../audiences/audiences.module.js';
import { Channel } from '../channels/channel.entity.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactList } from '../contacts/list.entity.js';
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
  imports: [TypeOrmModule.forFeature([Campaign, CampaignRecipient, Channel, ContactList, CampaignReply]), ChannelsModule, AudiencesModule],
  controllers: [CampaignsController],
  providers: [CampaignsService, CampaignScheduler, CampaignsRepository, RecipientsRepository, RepliesRepository],
  exports: [CampaignsService, CampaignsRepository, RecipientsRepository, RepliesRepository, TypeOrmModule],
})
export class CampaignsModule {}
