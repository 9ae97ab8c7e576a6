import type { NewlyPriced } from '../campaigns/recipient-statuses.queries.js';
import { errorMessage } from '../common/errors.js';
import type { AccountEvent } from '../whatsapp/account-events.js';
import { type InboundMessageEvent, mapWebhookPayload, type StatusError, type StatusEvent } from '../whatsapp/webhook-events.js';
import type { ClaimedItem } from './inbox.repository.js';

/** A claimed item read into events: what the appliers work from. */
export interface ItemPlan {
  item: ClaimedItem;
  statuses: StatusEvent[];
  messages: InboundMessageEvent[];
  /** Fields other than `messages` (AccountSignalsApplier). */
  accountEvents: AccountEvent[];
  /** Errors about the number rather than a message (AccountSignalsApplier). */
  valueErrors: StatusError[];
  /** Why the body cannot be processed at all (parked at once). */
  unreadable?: string;
}

/** What a committed batch did, counted into the metrics only after COMMIT. */
export interface BatchTally {
  applied: Map<string, number>;
  duplicates: number;
  unknownRetried: number;
  unknownParked: number;
  inbound: number;
  optOuts: number;
  parkedItems: number;
  /** Account signals applied, by kind (AccountSignalsApplier). */
  signals: Map<string, number>;
  /** Messages whose pricing was stored in this batch, once per message id (the cost metrics). */
  priced: NewlyPriced[];
  /** Per channel, the latest dispatch of a message a status was applied for now (the watermark, written after commit). */
  statusesSeenThrough: Map<string, Date>;
}

export function emptyTally(): BatchTally {
  return { applied: new Map(), duplicates: 0, unknownRetried: 0, unknownParked: 0, inbound: 0, optOuts: 0, parkedItems: 0, signals: new Map(), priced: [], statusesSeenThrough: new Map() };
}

/** Maps the stored body of either payload generation to its events (pure). */
export function planItem(item: ClaimedItem): ItemPlan {
  let payload: unknown;
  try {
    payload = JSON.parse(item.body);
  } catch (error) {
    return { item, statuses: [], messages: [], accountEvents: [], valueErrors: [], unreadable: `body is not valid JSON: ${errorMessage(error)}` };
  }
  const mapped = mapWebhookPayload(payload, new Date(item.received_at));
  return {
    item,
    statuses: mapped.events.filter((event): event is StatusEvent => event.kind === 'status'),
    messages: mapped.events.filter((event): event is InboundMessageEvent => event.kind === 'message'),
    accountEvents: mapped.accountEvents,
    valueErrors: mapped.valueErrors,
  };
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
