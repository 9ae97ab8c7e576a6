import { type TimeIdPosition, timeIdCursor } from '../common/cursor.js';

/** The channels listing's cursor: (created_at at millisecond precision, id), as channels are ordered. */
const channelCursor = timeIdCursor('ch');

export type ChannelCursor = TimeIdPosition;
export const encodeChannelCursor = (cursor: ChannelCursor): string => channelCursor.encode(cursor);
/** Null for anything that is not a cursor this listing produced. */
export const decodeChannelCursor = (raw: string): ChannelCursor | null => channelCursor.decode(raw);
