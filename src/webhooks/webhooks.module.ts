import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '../channels/channels.module.js';
import { MessageEvent } from './message-event.entity.js';
import { WebhookInboxItem } from './webhook-inbox.entity.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';
import { WebhookProcessorService } from './webhook-processor.service.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Receives 360dialog's webhooks (POST /webhooks/360dialog/:channelId → webhook_inbox, group commit)
 * and applies them (WebhookProcessorService, where ROLE runs workers). The raw-body hook it needs is
 * installed by app.setup.ts (installWebhookRawBody).
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookInboxItem, MessageEvent]), ChannelsModule],
  controllers: [WebhooksController],
  providers: [WebhookInboxWriter, WebhookProcessorService],
  exports: [WebhookProcessorService],
})
export class WebhooksModule {}
