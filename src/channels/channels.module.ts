import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { ChannelEvent } from './channel-event.entity.js';
import { Channel } from './channel.entity.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelEventsRepository } from './channel-events.repository.js';
import { ChannelEventsService } from './channel-events.service.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { ChannelTemplate } from './templates/channel-template.entity.js';
import { TemplateSyncWorker } from './templates/template-sync.worker.js';
import { TemplatesController } from './templates/templates.controller.js';
import { TemplatesRepository } from './templates/templates.repository.js';
import { TemplatesService } from './templates/templates.service.js';
import { WhatsAppClient } from '../whatsapp/whatsapp-client.js';
import { PartnerClient } from '../whatsapp/partner-client.js';
import { ApiKeyRotationService } from './api-key-rotation.service.js';
import { PhoneNumberCheck } from './phone-number-check.js';

@Module({
  imports: [TypeOrmModule.forFeature([Channel, ChannelTemplate, ChannelEvent])],
  controllers: [ChannelsController, TemplatesController],
  providers: [
    ChannelsService,
    ChannelsRepository,
    ChannelEventsRepository,
    ChannelEventsService,
    TemplatesRepository,
    TemplatesService,
    TemplateSyncWorker,
    WhatsAppClient,
    ApiTokenGuard,
    PartnerClient,
    PhoneNumberCheck,
    ApiKeyRotationService,
  ],
  exports: [ChannelsService, ChannelsRepository, ChannelEventsRepository, TemplatesRepository, TemplatesService, WhatsAppClient],
})
export class ChannelsModule {}
