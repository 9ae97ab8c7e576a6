import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECORD_ACCEPTED, RECORD_FAILED, RECORD_UNKNOWN, REQUEUE } from './sender.queries.js';
import { errorMessage } from '../common/errors.js';

/** `claim` is the claim_id the row was claimed with: outcomes other than accepted apply only while it still owns the row. */
export type SendOutcome =
  | { kind: 'accepted'; id: string; claim: string; messageId: string; sentAt: Date }
  | { kind: 'failed'; id: string; claim: string; code: number | null; title: string }
  | { kind: 'requeue'; id: string; claim: string; delayMs: number; uncount: boolean; reason: string; code: number | null; title: string | null }
  | { kind: 'unknown'; id: string; claim: string; title: string };

const FLUSH_EVERY_MS = 25;
const FLUSH_AT = 1000;

/**
 * Buffers send outcomes and writes each kind with one set-based UPDATE, so thousands of sends per
 * second cost a few statements. A crash loses at most the buffer: those rows stay `sending`, their
 * lease runs out, and recovery treats them as unknown outcomes (never resent blindly).
 */
export class OutcomeWriter {
  private readonly logger = new Logger(OutcomeWriter.name);
  private buffer: SendOutcome[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  add(outcome: SendOutcome): void {
    this.buffer.push(outcome);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Resolves once everything added so far is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: SendOutcome[]): Promise<void> {
    if (batch.length === 0) return;
    const accepted = batch.filter((o): o is Extract<SendOutcome, { kind: 'accepted' }> => o.kind === 'accepted');
    const failed = batch.filter((o): o is Extract<SendOutcome, { kind: 'failed' }> => o.kind === 'failed');
    const requeued = batch.filter((o): o is Extract<SendOutcome, { kind: 'requeue' }> => o.kind === 'requeue');
    const unknown = batch.filter((o): o is Extract<SendOutcome, { kind: 'unknown' }> => o.kind === 'unknown');
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.dataSource.transaction(async (manager) => {
          if (accepted.length) {
            await manager.query(RECORD_ACCEPTED, [accepted.map((o) => o.id), accepted.map((o) => o.messageId), accepted.map((o) => o.sentAt)]);
          }
          if (failed.length) {
            await manager.query(RECORD_FAILED, [failed.map((o) => o.id), failed.map((o) => o.claim), failed.map((o) => o.code), failed.map((o) => o.title)]);
          }
          if (requeued.length) {
            await manager.query(REQUEUE, [
              requeued.map((o) => o.id),
              requeued.map((o) => o.claim),
              requeued.map((o) => Math.round(o.delayMs)),
              requeued.map((o) => (o.uncount ? 1 : 0)),
              requeued.map((o) => o.reason),
              requeued.map((o) => o.code),
              requeued.map((o) => o.title),
            ]);
          }
          if (unknown.length) await manager.query(RECORD_UNKNOWN, [unknown.map((o) => o.id), unknown.map((o) => o.claim), unknown.map((o) => o.title)]);
        });
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
