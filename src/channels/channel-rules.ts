import { type TimeIdPosition, timeIdCursor } from '../common/cursor.js';
import { DomainError } from '../common/domain-error.js';
import type { ApiGeneration } from '../whatsapp/types.js';

/** The channels listing's cursor: (created_at at millisecond precision, id), as channels are ordered. */
const channelCursor = timeIdCursor('ch');

export type ChannelCursor = TimeIdPosition;
export const encodeChannelCursor = (cursor: ChannelCursor): string => channelCursor.encode(cursor);
/** Null for anything that is not a cursor this listing produced. */
export const decodeChannelCursor = (raw: string): ChannelCursor | null => channelCursor.decode(raw);

/**
 * The Marketing Messages API (POST /marketing_messages) exists on the Cloud API only: an On-Premise
 * channel asking for it is a 400. Returns the setting (false when not given).
 */
export function assertMarketingMessagesFits(generation: ApiGeneration, marketingMessagesApi: boolean | undefined): boolean {
  if (marketingMessagesApi && generation !== 'cloud') {
    throw new DomainError('invalid', 'marketingMessagesApi needs a cloud channel: the Marketing Messages API (POST /marketing_messages) exists on the Cloud API only');
  }
  return marketingMessagesApi ?? false;
}

/** A base URL as stored: trimmed, without trailing slashes. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
