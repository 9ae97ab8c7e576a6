import type { Generation, WhatsAppError } from './sandbox-payloads.js';

export type CatalogueFailure = 'pair_rate_limit' | 'template_paused' | 'payment' | 'marketing_limit' | 'marketing_opt_out' | 'experiment';

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
  // Issue 13: errors about the person, not the request (also usable as a failing number's async failed status).
  marketing_limit: {
    cloud: {
      code: 131049,
      title: 'This message was not delivered to maintain healthy ecosystem engagement.',
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    },
    onpremise: { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' },
  },
  marketing_opt_out: {
    cloud: { code: 131050, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.' },
    onpremise: { code: 131050, title: 'User has stopped marketing messages from this business' },
  },
  experiment: {
    cloud: { code: 130472, title: "User's number is part of an experiment", details: 'Failed to send message because this user is part of a Meta experiment.' },
    onpremise: { code: 130472, title: "User's number is part of an experiment" },
  },
};
