import { Injectable } from '@nestjs/common';
import { type AccountEventSummary, type ChannelEdit, Channel, type ChannelWebhookCredentials, type NewChannel } from './channel.entity.js';
import type { TimeIdPosition } from '../common/cursor.js';
import { DataSource, type EntityManager, IsNull } from 'typeorm';

/**
 * The only code that writes channels.
 * Services of other folders call these methods; a method that must join the caller's transaction takes
 * its EntityManager as the last argument (`db`), otherwise it runs on its own.
 */
@Injectable()
export class ChannelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ── Create, edit, webhook registration (channels/) ──
  // (methods of this section go below this line)
  async create(input: NewChannel): Promise<Channel> {
    const channels = this.dataSource.getRepository(Channel);
    return channels.save(channels.create(input));
  }

  /** A partial UPDATE of the given columns only, so what the sender changes meanwhile (throttledUntil, pausedReason) is not overwritten. */
  async edit(id: string, edit: ChannelEdit): Promise<void> {
    if (Object.keys(edit).length > 0) await this.dataSource.getRepository(Channel).update({ id }, edit);
  }

  /**
   * Runs `work` holding the channel's key-rotation lock, or answers null at once when a rotation of the
   * channel holds it — in this process or any other instance. A session-level advisory lock on a
   * connection of its own: a process that dies mid-rotation releases it with its connection.
   */
  async whileRotatingKey<T>(channelId: string, work: () => Promise<T>): Promise<{ value: T } | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(hashtextextended('api-key-rotation:' || $1, 0)) AS locked`, [channelId])) as [{ locked: boolean }];
      if (!locked) return null;
      try {
        return { value: await work() };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended('api-key-rotation:' || $1, 0))`, [channelId]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The webhook password 360dialog accepted (stored as its hash) and when. */
  async recordWebhookRegistration(id: string, registration: { passwordHash: string; registeredAt: Date }): Promise<void> {
    await this.dataSource.getRepository(Channel).update({ id }, { webhookPasswordHash: registration.passwordHash, webhookRegisteredAt: registration.registeredAt });
  }

  findById(id: string): Promise<Channel | null> {
    return this.dataSource.getRepository(Channel).findOneBy({ id });
  }

  /**
   * One page of channels, oldest first, after `after` (null: the first page). Ordered by creation at
   * millisecond precision (what a cursor can carry), then id.
   */
  page(after: TimeIdPosition | null, limit: number): Promise<Channel[]> {
    const builder = this.dataSource
      .getRepository(Channel)
      .createQueryBuilder('channel')
      .orderBy("date_trunc('milliseconds', channel.created_at)", 'ASC')
      .addOrderBy('channel.id', 'ASC')
      .limit(limit);
    if (after) {
      builder.where("(date_trunc('milliseconds', channel.created_at), channel.id) > (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))", after);
    }
    return builder.getMany();
  }

  /** Channels that may send (not paused), oldest first. */
  findActive(): Promise<Channel[]> {
    return this.dataSource.getRepository(Channel).find({ where: { pausedReason: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** The channel if it exists and is not paused. */
  findActiveById(id: string): Promise<Channel | null> {
    return this.dataSource.getRepository(Channel).findOneBy({ id, pausedReason: IsNull() });
  }

  /** The channel's templates were listed from 360dialog at `at` (the registry was replaced in `db`). */
  async markTemplatesSynced(id: string, at: Date, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource.manager).getRepository(Channel).update({ id }, { templatesSyncedAt: at });
  }

  /** Every channel's webhook credentials (the receiver's in-memory copy). */
  webhookCredentials(): Promise<ChannelWebhookCredentials[]> {
    return this.dataSource.getRepository(Channel).find({ select: { id: true, webhookUsername: true, webhookPasswordHash: true } });
  }

  // ·

  // ── Pause and throttling decided by the sender (sender/) ──
  // (methods of this section go below this line)

  /** Pauses the channel with a reason; keeps the first reason if it is already paused. True when this call paused it. */
  async pauseForSendFailure(id: string, reason: string, db?: EntityManager): Promise<boolean> {
    const [, paused] = (await (db ?? this.dataSource).query(
      `UPDATE channels SET paused_reason = $2, updated_at = now() WHERE id = $1 AND paused_reason IS NULL`,
      [id, reason],
    )) as [unknown[], number];
    return paused > 0;
  }

  /** Records a throttling answer: the sender runs the channel slower until `until` (only ever extended). */
  async markThrottled(id: string, until: Date, db?: EntityManager): Promise<void> {
    await (db ?? this.dataSource).query(
      `UPDATE channels SET throttled_until = $2, updated_at = now() WHERE id = $1 AND (throttled_until IS NULL OR throttled_until < $2)`,
      [id, until],
    );
  }

  // ·

  // ── Status-webhook watermark (webhooks/) ──

  /**
   * Moves each channel's statuses_seen_through forward to `through` (the latest dispatch of a message a
   * status webhook was applied for), never back. Called after the status batch committed, outside its
   * transaction: no lock on the channel row is held while a batch runs, and a watermark never claims a
   * status that could still roll back (migration StatusesSeenThrough states the invariant). Rows already
   * past `through` are not locked or written (a hot path: one probe per channel per webhook batch).
   */
  async advanceStatusWatermarks(through: ReadonlyMap<string, Date>): Promise<void> {
    if (through.size === 0) return;
    await this.dataSource.query(
      `UPDATE channels ch SET statuses_seen_through = v.through
       FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, through)
       WHERE ch.id = v.id AND (ch.statuses_seen_through IS NULL OR ch.statuses_seen_through < v.through)`,
      [[...through.keys()], [...through.values()]],
    );
  }

  // ·

  // ── Account signals (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * What an account, quality or capability webhook says about the channel: its summary becomes
   * lastAccountEvent; a quality webhook's rating and an announced messaging limit are stored (limit
   * `undefined`: the event named none, keep the stored one; null: unlimited). An event older than the
   * one shown changes nothing (webhooks may arrive out of order). True when it was applied.
   */
  async recordAccountSignal(
    id: string,
    signal: { summary: AccountEventSummary; qualityRating?: string; whatsappMessagingLimit?: number | null },
    db: EntityManager,
  ): Promise<boolean> {
    const [, changed] = (await db.query(
      `UPDATE channels SET last_account_event = $2::jsonb,
         quality_rating = coalesce($3, quality_rating),
         whatsapp_messaging_limit = CASE WHEN $4 THEN $5::int ELSE whatsapp_messaging_limit END,
         updated_at = now()
       WHERE id = $1 AND (last_account_event IS NULL OR (last_account_event->>'occurredAt')::timestamptz <= $6::timestamptz)`,
      [
        id,
        JSON.stringify(signal.summary),
        signal.qualityRating ?? null,
        signal.whatsappMessagingLimit !== undefined,
        signal.whatsappMessagingLimit ?? null,
        signal.summary.occurredAt,
      ],
    )) as [unknown[], number];
    return changed > 0;
  }

  // ·
}
