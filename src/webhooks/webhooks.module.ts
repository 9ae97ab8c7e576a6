import { Module } from '@nestjs/common';
import { RetentionWorker } from './retention.worker.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { StatusErrorPolicy } from './status-error-policy.js';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { AccountSignalsApplier } from './account-signals-applier.js';
import { BatchApplier } from './batch-applier.js';
import { BatchRunner } from './batch-runner.js';
import { InboundApplier } from './inbound-applier.js';
import { InboxController } from './inbox.controller.js';
import { InboxRepository } from './inbox.repository.js';
import { InboxService } from './inbox.service.js';
import { ItemSettling } from './item-settling.js';
import { MessageEvent } from './message-event.entity.js';
import { MessageEventsRepository } from './message-events.repository.js';
import { StatusApplier } from './status-applier.js';
import { WebhookInboxItem } from './webhook-inbox.entity.js';
import { WebhookInboxWriter } from './webhook-inbox.writer.js';
import { WebhookProcessorService } from './webhook-processor.service.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * Receives 360dialog's webhooks (POST /webhooks/360dialog/:channelId → webhook_inbox, group commit)
 * and applies them (WebhookProcessorService, where ROLE runs workers: BatchRunner, BatchApplier with
 * StatusApplier, InboundApplier and ItemSettling). webhook_inbox and message_events are written only
 * through InboxRepository and MessageEventsRepository; the recipients and contacts a batch moves,
 * through RecipientsRepository and ContactsRepository. The receiver is a plain Fastify route
 * (webhook-route.ts, WebhookReceiver), installed with its raw-body hook by app.setup.ts. Operators list and re-drive parked items under
 * /v1/webhooks/inbox (InboxController).
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookInboxItem, MessageEvent]), ChannelsModule, CampaignsModule, ContactsModule],
  controllers: [InboxController],
  providers: [
    StatusErrorPolicy,
    InboxRepository,
    MessageEventsRepository,
    WebhookInboxWriter,
    WebhookReceiver,
    StatusApplier,
    InboundApplier,
    ItemSettling,
    AccountSignalsApplier,
    BatchApplier,
    BatchRunner,
    WebhookProcessorService,
    InboxService,
    ApiTokenGuard,
    RetentionWorker,
  ],
  exports: [WebhookProcessorService, WebhookReceiver],
})
export class WebhooksModule {}
