import { Injectable, Logger } from '@nestjs/common';
import type { AcceptedSend, FailedSend, RequeuedSend, SendOutcomes, UnknownSend } from '../campaigns/recipient-sends.queries.js';
import { RecipientsRepository } from '../campaigns/recipients.repository.js';
import { errorMessage } from '../common/errors.js';

/** `claimId` is the claim the row was claimed with: outcomes other than accepted apply only while it still owns the row. */
export type SendOutcome =
  | ({ kind: 'accepted' } & AcceptedSend)
  | ({ kind: 'failed' } & FailedSend)
  | ({ kind: 'requeue' } & RequeuedSend)
  | ({ kind: 'unknown' } & UnknownSend);

const FLUSH_EVERY_MS = 100;
const FLUSH_AT = 1000;

/**
 * Buffers send outcomes and writes each kind with one set-based UPDATE, so thousands of sends per
 * second cost a few statements. One write at a time, at most one per FLUSH_EVERY_MS unless FLUSH_AT
 * outcomes wait: what arrives meanwhile is the next write (at 7,000 sends/s, writing whatever had
 * come after each write made ~700 statements of ~60 rows for 40,000 sends). A crash loses at most the
 * buffer: those rows stay `sending`, their lease runs out, and recovery treats them as unknown
 * outcomes (never resent blindly).
 */
@Injectable()
export class OutcomeWriter {
  private readonly logger = new Logger(OutcomeWriter.name);
  private buffer: SendOutcome[] = [];
  private timer?: NodeJS.Timeout;
  /** The write loop while it runs: it ends only once the buffer is empty. */
  private running: Promise<void> | null = null;
  /** Ends the loop's pause between two writes early (a full buffer, or a flush). */
  private wake: (() => void) | null = null;

  constructor(private readonly recipients: RecipientsRepository) {}

  add(outcome: SendOutcome): void {
    this.buffer.push(outcome);
    if (this.running) {
      // The running loop writes it next.
      if (this.buffer.length >= FLUSH_AT) this.wake?.();
      return;
    }
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Resolves once everything added so far is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) {
      this.wake?.();
      return this.running;
    }
    if (this.buffer.length === 0) return Promise.resolve();
    this.running = this.writeAll();
    return this.running;
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const started = Date.now();
        const batch = this.buffer;
        this.buffer = [];
        await this.write(batch);
        const pause = FLUSH_EVERY_MS - (Date.now() - started);
        if (pause > 0 && this.buffer.length > 0 && this.buffer.length < FLUSH_AT) await this.sleep(pause);
      }
    } finally {
      // Reached only with an empty buffer and no await since the check: nothing added can be left behind.
      this.running = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async write(batch: SendOutcome[]): Promise<void> {
    if (batch.length === 0) return;
    const outcomes: SendOutcomes = { accepted: [], failed: [], requeued: [], unknown: [] };
    for (const outcome of batch) {
      if (outcome.kind === 'accepted') outcomes.accepted.push(outcome);
      else if (outcome.kind === 'failed') outcomes.failed.push(outcome);
      else if (outcome.kind === 'requeue') outcomes.requeued.push(outcome);
      else outcomes.unknown.push(outcome);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.recipients.recordSendOutcomes(outcomes);
        return;
      } catch (error) {
        // Rows stay `sending` if this never succeeds; lease recovery then handles them as unknown.
        this.logger.error(`writing ${batch.length} send outcomes failed (attempt ${attempt}): ${errorMessage(error)}`);
        if (attempt >= 5) return;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
