/**
 * Retention (issue 15): old webhook bodies and message events go in small batches, oldest first.
 * Both tables grow in id order with time (an identity id; received_at / created_at at insert), so a batch
 * walks the primary key from its start up to the first row newer than the cutoff, and never scans the
 * rows it keeps: no extra index (which every webhook would pay for) is needed.
 */

/**
 * $1 cutoff, $2 batch size. Only bodies the processor is done with (processed, or rejected as not JSON)
 * go; pending and parked ones stay whatever their age (an operator may still re-drive them).
 */
export const PURGE_INBOX_BATCH = `
  DELETE FROM webhook_inbox w
  WHERE w.id IN (
    SELECT i.id FROM webhook_inbox i
    WHERE i.id < coalesce((SELECT n.id FROM webhook_inbox n WHERE n.received_at >= $1 ORDER BY n.id LIMIT 1), 9223372036854775807)
      AND i.state IN ('processed', 'rejected') AND i.received_at < $1
    ORDER BY i.id LIMIT $2)`;

/**
 * $1 cutoff, $2 batch size. The (message id, status) pairs are the processor's duplicate guard: a status
 * re-delivered after its event is gone is applied again, which moves nothing (statuses only move forward).
 */
export const PURGE_MESSAGE_EVENTS_BATCH = `
  DELETE FROM message_events e
  WHERE e.id IN (
    SELECT m.id FROM message_events m
    WHERE m.id < coalesce((SELECT n.id FROM message_events n WHERE n.created_at >= $1 ORDER BY n.id LIMIT 1), 9223372036854775807)
      AND m.created_at < $1
    ORDER BY m.id LIMIT $2)`;
