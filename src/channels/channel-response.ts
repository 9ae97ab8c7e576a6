import type { Channel } from './channel.entity.js';
import type { ChannelResponse } from './dto/channel-response.dto.js';
import { channelSignalsView } from './channel-events.service.js';
import { webhookUrl } from '../whatsapp/webhook-credentials.js';

/** The API's view of a channel: never the key (only its last four characters), never the webhook password. */
export function channelResponse(channel: Channel, publicUrl: string): ChannelResponse {
  return {
    id: channel.id,
    name: channel.name,
    phoneNumber: channel.phoneNumber,
    apiGeneration: channel.apiGeneration,
    baseUrl: channel.baseUrl,
    apiKeyLast4: channel.apiKeyLast4,
    templateNamespace: channel.templateNamespace,
    messagesPerSecond: channel.messagesPerSecond,
    messagingLimit: channel.messagingLimit,
    marketingMessagesApi: channel.marketingMessagesApi,
    marketingMessagesFallback: channel.marketingMessagesFallback,
    partnerChannelId: channel.partnerChannelId,
    ...channelSignalsView(channel),
    webhook: {
      url: webhookUrl(publicUrl, channel.id),
      username: channel.webhookUsername,
      registeredAt: channel.webhookRegisteredAt?.toISOString() ?? null,
    },
    pausedReason: channel.pausedReason,
    throttledUntil: channel.throttledUntil?.toISOString() ?? null,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
