import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TemplateDefinition } from '../../whatsapp/templates.js';
import { ChannelTemplate } from './channel-template.entity.js';
import { DELETE_TEMPLATES_NOT_LISTED, LOCK_CHANNEL_TEMPLATES, UPSERT_TEMPLATES } from './templates.queries.js';

/** What one sync changed in a channel's registry. */
export interface TemplateSyncCounts {
  added: number;
  changed: number;
  removed: number;
}

/**
 * The only code that writes `templates` (a channel's message templates as WhatsApp last told us).
 * A method that must join the caller's transaction takes its EntityManager as the last argument (`db`).
 */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  protected manager(db?: EntityManager): EntityManager {
    return db ?? this.dataSource.manager;
  }

  // ── Registry: sync from 360dialog and reads (channels/templates/) ──
  // (methods of this section go below this line)

  /** The channel's templates, by name then language. */
  forChannel(channelId: string, db?: EntityManager): Promise<ChannelTemplate[]> {
    return this.manager(db).getRepository(ChannelTemplate).find({ where: { channelId }, order: { name: 'ASC', language: 'ASC' } });
  }

  /**
   * Makes the channel's registry what 360dialog just listed, in the caller's transaction: new entries
   * added, entries whose status, category, format, namespace or parameters differ changed, entries no
   * longer listed removed; every listed entry gets `syncedAt`. Syncs of one channel run one at a time
   * (a transaction-scoped advisory lock), so two at once cannot miscount.
   */
  async replaceForChannel(channelId: string, definitions: readonly TemplateDefinition[], syncedAt: Date, db: EntityManager): Promise<TemplateSyncCounts> {
    await db.query(LOCK_CHANNEL_TEMPLATES, [channelId]);
    // A listing may name an entry twice (pages shifting under the offset): the last one wins.
    const unique = [...new Map(definitions.map((definition) => [`${definition.name}\u0000${definition.language}`, definition])).values()];
    const rows = unique.map((definition) => ({
      name: definition.name,
      language: definition.language,
      status: definition.status,
      category: definition.category,
      parameter_format: definition.parameterFormat,
      namespace: definition.namespace,
      components: definition.components,
    }));
    const listed = JSON.stringify(rows);
    const upserted = (await db.query(UPSERT_TEMPLATES, [channelId, listed, syncedAt])) as Array<{ outcome: 'added' | 'changed' | 'same' }>;
    const [, removed] = (await db.query(DELETE_TEMPLATES_NOT_LISTED, [channelId, listed])) as [unknown[], number];
    return {
      added: upserted.filter((row) => row.outcome === 'added').length,
      changed: upserted.filter((row) => row.outcome === 'changed').length,
      removed,
    };
  }

  // ·

  // ── Template webhooks: status and category updates (webhooks/) ──
  // (methods of this section go below this line)

  /**
   * A `message_template_status_update`: the template's status (and Meta's reason) as the webhook says.
   * By name and language when it names them (a template not in the table yet gets a row with what the
   * webhook says), else by Meta's template id. Returns the template's name and language, or null when
   * neither identifies a template.
   */
  async recordWebhookStatus(change: TemplateWebhookChange & { status: string; reason: string | null }, db: EntityManager): Promise<TemplateKey | null> {
    if (change.name && change.language) {
      await db.query(
        `INSERT INTO templates (channel_id, name, language, status, status_reason, external_id, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (channel_id, name, language) DO UPDATE SET status = EXCLUDED.status, status_reason = EXCLUDED.status_reason,
           external_id = coalesce(EXCLUDED.external_id, templates.external_id), updated_at = now()`,
        [change.channelId, change.name, change.language, change.status, change.reason, change.templateId],
      );
      return { name: change.name, language: change.language };
    }
    if (!change.templateId) return null;
    const rows: TemplateKey[] = await db.query(
      `UPDATE templates SET status = $3, status_reason = $4, updated_at = now() WHERE channel_id = $1 AND external_id = $2 RETURNING name, language`,
      [change.channelId, change.templateId, change.status, change.reason],
    );
    return rows[0] ?? null;
  }

  /**
   * A `template_category_update` (impending or done): the template's category becomes the new one. A
   * template not in the table yet gets a row with status UNKNOWN (the webhook names none). Returns the
   * template's name and language, or null when neither identifies a template.
   */
  async recordWebhookCategory(change: TemplateWebhookChange & { category: string }, db: EntityManager): Promise<TemplateKey | null> {
    if (change.name && change.language) {
      await db.query(
        `INSERT INTO templates (channel_id, name, language, status, category, external_id, synced_at)
         VALUES ($1, $2, $3, 'UNKNOWN', $4, $5, now())
         ON CONFLICT (channel_id, name, language) DO UPDATE SET category = EXCLUDED.category,
           external_id = coalesce(EXCLUDED.external_id, templates.external_id), updated_at = now()`,
        [change.channelId, change.name, change.language, change.category, change.templateId],
      );
      return { name: change.name, language: change.language };
    }
    if (!change.templateId) return null;
    const rows: TemplateKey[] = await db.query(
      `UPDATE templates SET category = $3, updated_at = now() WHERE channel_id = $1 AND external_id = $2 RETURNING name, language`,
      [change.channelId, change.templateId, change.category],
    );
    return rows[0] ?? null;
  }

  // ·
}

/** How a template webhook names its template: by name and language, or only by Meta's id. */
export interface TemplateWebhookChange {
  channelId: string;
  name: string | null;
  language: string | null;
  templateId: string | null;
}

export interface TemplateKey {
  name: string;
  language: string;
}
