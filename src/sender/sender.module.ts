import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { BatchSender } from './batch-sender.js';
import { ChannelConversation } from './channel-conversation.entity.js';
import { ChannelLimiters } from './channel-limiters.js';
import { ConversationsRepository } from './conversations.repository.js';
import { OutcomeHandler } from './outcome-handler.js';
import { OutcomeWriter } from './outcome-writer.js';
import { SendWindowWaits } from './send-window-waits.js';
import { SenderService } from './sender.service.js';

@Module({
  imports: [ChannelsModule, CampaignsModule, ContactsModule, TypeOrmModule.forFeature([ChannelConversation])],
  providers: [SenderService, BatchSender, OutcomeHandler, OutcomeWriter, SendWindowWaits, ConversationsRepository, ChannelLimiters],
  exports: [SenderService],
})
export class SenderModule {}
