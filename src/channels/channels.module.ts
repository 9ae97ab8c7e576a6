import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { Channel } from './channel.entity.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelEventsRepository } from './channel-events.repository.js';
import { ChannelEventsService } from './channel-events.service.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { TemplatesRepository } from './templates/templates.repository.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';

@Module({
  imports: [TypeOrmModule.forFeature([Channel])],
  controllers: [ChannelsController],
  providers: [ChannelsService, ChannelsRepository, ChannelEventsRepository, ChannelEventsService, TemplatesRepository, WhatsAppClient, ApiTokenGuard],
  exports: [ChannelsService, ChannelsRepository, ChannelEventsRepository, TemplatesRepository, WhatsAppClient],
})
export class ChannelsModule {}
