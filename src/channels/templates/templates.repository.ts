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

  // ·
}
