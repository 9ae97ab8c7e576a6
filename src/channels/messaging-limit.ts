/**
 * The messaging limit a channel sends under (unique people per moving 24 h): the lower of the limit
 * set by hand (`messagingLimit`) and the one WhatsApp last announced in a quality or capability webhook
 * (`whatsappMessagingLimit`). Null: no limit known (the sender claims without counting conversations).
 */
export type MessagingLimitSource = 'manual' | 'whatsapp';

export interface EffectiveMessagingLimit {
  limit: number | null;
  /** Which of the two decides; 'manual' when both are set and equal. Null when neither is set. */
  source: MessagingLimitSource | null;
}

export function effectiveMessagingLimit(channel: { messagingLimit: number | null; whatsappMessagingLimit: number | null }): EffectiveMessagingLimit {
  const manual = channel.messagingLimit;
  const whatsapp = channel.whatsappMessagingLimit;
  if (manual === null && whatsapp === null) return { limit: null, source: null };
  if (whatsapp === null || (manual !== null && manual <= whatsapp)) return { limit: manual, source: 'manual' };
  return { limit: whatsapp, source: 'whatsapp' };
}
