/**
 * `biz_opaque_callback_data` the sender puts on every Cloud message, echoed by 360dialog in each status
 * webhook of that message: `r:<campaign_recipients.id>`. It lets the webhook processor match a status to
 * its recipient even when the send response (and so the message id) was never stored.
 */
import { bigintId } from '../common/ids.js';

const PATTERN = /^r:([1-9][0-9]{0,18})$/;

export function formatCallbackData(recipientId: string | number | bigint): string {
  return `r:${String(recipientId)}`;
}

/** The recipient id, or null when the value is absent or not ours. */
export function parseCallbackData(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = PATTERN.exec(value.trim());
  if (!match) return null;
  return bigintId(match[1]); // within the identity column's bigint range
}
