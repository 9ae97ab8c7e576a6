import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { InboxController } from './inbox.controller.js';
import { InboxService } from './inbox.service.js';
import { MessageEvent } from './message-event.entity.js';
import { WebhookInboxItem } from './webhook-inbox.entity.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';
import { WebhookProcessorService } from './webhook-processor.service.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Receives 360dialog's webhooks (POST /webhooks/360dialog/:channelId → webhook_inbox, group commit)
 * and applies them (WebhookProcessorService, where ROLE runs workers). The raw-body hook it needs is
 * installed by app.setup.ts (installWebhookRawBody). Operators list and re-drive parked items under
 * /v1/webhooks/inbox (InboxController).
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookInboxItem, MessageEvent]), ChannelsModule, CampaignsModule, ContactsModule],
  controllers: [WebhooksController, InboxController],
  providers: [WebhookInboxWriter, WebhookProcessorService, InboxService, ApiTokenGuard],
  exports: [WebhookProcessorService],
})
export class WebhooksModule {}
