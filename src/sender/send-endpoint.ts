/**
 * Which 360dialog endpoint a campaign message goes to (docs/whatsapp-api.md § Marketing Messages API),
 * and when a refusal of the Marketing Messages API is sent again through /messages. Pure.
 */
import { MARKETING_MESSAGES_INELIGIBLE_CODE } from '../whatsapp/send-errors.js';
import type { ApiGeneration, SendEndpoint, SendResult } from '../whatsapp/types.js';

export interface EndpointChannel {
  apiGeneration: ApiGeneration;
  marketingMessagesApi: boolean;
}

/**
 * `marketing_messages` for a MARKETING template (category from the template registry) on a Cloud
 * channel that uses the Marketing Messages API; `messages` for everything else, a template the
 * registry does not know included (the Marketing Messages API would refuse anything but MARKETING).
 */
export function sendEndpointFor(channel: EndpointChannel, templateCategory: string | null): SendEndpoint {
  if (!channel.marketingMessagesApi || channel.apiGeneration !== 'cloud') return 'messages';
  return templateCategory?.toUpperCase() === 'MARKETING' ? 'marketing_messages' : 'messages';
}

/**
 * A 131055 answer of the Marketing Messages API on a channel with marketingMessagesFallback: nothing
 * went out, so the same message goes through /messages at once.
 */
export function fallsBackToMessages(endpoint: SendEndpoint, fallbackEnabled: boolean, result: SendResult): boolean {
  return endpoint === 'marketing_messages' && fallbackEnabled && !result.ok && !result.outcomeUnknown && result.errorCode === MARKETING_MESSAGES_INELIGIBLE_CODE;
}
