import type { Generation, WhatsAppError } from './sandbox-payloads.js';

export type CatalogueFailure = 'pair_rate_limit' | 'template_paused' | 'payment';

/** WhatsApp errors the sandbox can be told to answer with, per generation. */
export const FAILURE_CATALOGUE: Record<CatalogueFailure, Record<Generation, WhatsAppError>> = {
  pair_rate_limit: {
    cloud: {
      code: 131056,
      title: '(Business Account, Consumer Account) pair rate limit hit',
      details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    },
    onpremise: { code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages to this user in a short time' },
  },
  template_paused: {
    cloud: { code: 132015, title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
    onpremise: { code: 132015, title: 'Template is Paused', details: 'Template is paused due to low quality' },
  },
  payment: {
    cloud: { code: 131042, title: 'Business eligibility payment issue', details: 'Message failed to send because there were one or more errors related to your payment method.' },
    onpremise: { code: 402, title: 'Business eligibility — Payment issue', details: 'Message failed to send because there were one or more errors related to your payment method.' },
  },
};
