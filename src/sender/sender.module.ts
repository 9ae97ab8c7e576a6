import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ChannelConversation } from './channel-conversation.entity.js';
import { ChannelLimiters } from './channel-limiters.js';
import { SenderService } from './sender.service.js';

@Module({ imports: [ChannelsModule, CampaignsModule, TypeOrmModule.forFeature([ChannelConversation])], providers: [SenderService, ChannelLimiters], exports: [SenderService] })
export class SenderModule {}
