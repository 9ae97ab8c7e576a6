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

/** How long a 131055 refusal of a channel's template sends that template straight through /messages. */
export const MARKETING_REFUSAL_MEMORY_MS = 15 * 60_000;

/**
 * The (channel, template) pairs the Marketing Messages API refused with 131055 lately, on channels with
 * marketingMessagesFallback: their sends go straight to /messages instead of asking twice per message.
 * After MARKETING_REFUSAL_MEMORY_MS the API is asked again (the terms may have been accepted meanwhile).
 * Per process: another worker learns it from its own first refusal.
 */
export class MarketingRefusals {
  private readonly until = new Map<string, number>();

  remember(channelId: string, template: string, nowMs: number): void {
    this.until.set(`${channelId}\n${template}`, nowMs + MARKETING_REFUSAL_MEMORY_MS);
  }

  /** The endpoint to use: `messages` while a refusal of this pair is remembered, else `preferred`. */
  route(preferred: SendEndpoint, channelId: string, template: string, nowMs: number): SendEndpoint {
    if (preferred !== 'marketing_messages') return preferred;
    const key = `${channelId}\n${template}`;
    const until = this.until.get(key);
    if (until === undefined) return preferred;
    if (nowMs < until) return 'messages';
    this.until.delete(key);
    return preferred;
  }
}
