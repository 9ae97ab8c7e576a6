export const RECIPIENT_STATUSES = [
  'pending',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
  'unknown',
] as const;

export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
