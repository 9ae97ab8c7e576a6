/**
 * What one process has sent on a channel in the last second, measured at the send. The limiter spaces
 * batch *starts*; a batch leaves after its confirm query, so one slowed by the database (57 ms seen
 * under load) can land in the same sliding second as the batch ten slots later, and a provider that
 * counts in a sliding second answers "too many" (then the channel runs at half rate for 30 s). A batch
 * therefore reserves its place when it starts, counts every reservation not yet sent, and waits, before
 * its confirm, until it fits. Per process: with REDIS_URL every process shares one window instead
 * (redis-sliding-second.ts).
 */
export interface SendReservation {
  count: number;
  /** When the batch started (while pending) or left (once sent); it counts until `at` + the window. */
  at: number;
  sent: boolean;
}

export const PENDING_RECHECK_MS = 10;

export class SlidingSecond {
  private reservations: SendReservation[] = [];

  constructor(private readonly windowMs: number) {}

  /** Milliseconds until `count` more fit under `limit` in the window; 0 when they fit now. */
  delayFor(count: number, limit: number, now: number): number {
    this.forgetOlderThan(now - this.windowMs);
    const cap = Math.max(limit, count); // a batch larger than the limit goes alone
    let inWindow = this.reservations.reduce((sum, reservation) => sum + reservation.count, 0);
    if (inWindow + count <= cap) return 0;
    const expiring = this.reservations.filter((reservation) => reservation.sent).sort((a, b) => a.at - b.at);
    for (const reservation of expiring) {
      inWindow -= reservation.count;
      if (inWindow + count <= cap) return Math.max(1, reservation.at + this.windowMs - now);
    }
    // Batches still confirming hold the rest: look again once they have had time to leave.
    return PENDING_RECHECK_MS;
  }

  reserve(count: number, now: number): SendReservation {
    const reservation = { count, at: now, sent: false };
    this.reservations.push(reservation);
    return reservation;
  }

  markSent(reservation: SendReservation, now: number): void {
    reservation.at = Math.max(reservation.at, now);
    reservation.sent = true;
  }

  /** A batch that sent nothing (not confirmed, or stopped) gives its place back. */
  release(reservation: SendReservation): void {
    this.reservations = this.reservations.filter((candidate) => candidate !== reservation);
  }

  private forgetOlderThan(cutoff: number): void {
    this.reservations = this.reservations.filter((reservation) => !reservation.sent || reservation.at > cutoff);
  }
}
