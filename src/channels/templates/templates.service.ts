import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/domain-error.js';
import { AppConfig } from '../../config/app-config.js';
import { checkTemplate, type TemplateVerdict } from '../../whatsapp/template-check.js';
import type { ParameterFormat, TemplateDefinition } from '../../whatsapp/templates.js';
import type { Template } from '../../whatsapp/types.js';
import { WhatsAppClient } from '../../whatsapp/whatsapp-client.js';
import type { Channel } from '../channel.entity.js';
import { ChannelsRepository } from '../channels.repository.js';
import { ApiKeyUnreadableError, ChannelsService } from '../channels.service.js';
import type { ChannelTemplate } from './channel-template.entity.js';
import type { ChannelTemplateListResponse, ChannelTemplateResponse, TemplateSyncResponse } from './templates.dto.js';
import { TemplatesRepository } from './templates.repository.js';

/**
 * The template registry of each channel: synced from 360dialog (GET /v1/configs/templates, every page)
 * on demand, on a schedule (TemplateSyncWorker) and before a pre-flight check finds its entry stale;
 * and the pre-flight itself: a campaign's template checked against the registry (whatsapp/template-check.ts)
 * before it is scheduled and again at launch.
 */
@Injectable()
export class TemplatesService {
  private readonly logger = new Logger(TemplatesService.name);
  /** One sync per channel at a time in this process: callers arriving meanwhile share its outcome. */
  private readonly inFlight = new Map<string, Promise<TemplateSyncResponse>>();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly client: WhatsAppClient,
    private readonly channels: ChannelsService,
    private readonly channelsRepository: ChannelsRepository,
    private readonly templates: TemplatesRepository,
  ) {}

  async list(channelId: string): Promise<ChannelTemplateListResponse> {
    const channel = await this.channels.requireChannel(channelId);
    const rows = await this.templates.forChannel(channel.id);
    return { items: rows.map(toResponse), syncedAt: channel.templatesSyncedAt?.toISOString() ?? null };
  }

  /** POST /v1/channels/:id/templates/sync. */
  async sync(channelId: string): Promise<TemplateSyncResponse> {
    return this.syncChannel(await this.channels.requireChannel(channelId));
  }

  /** Re-lists the channel's templates from 360dialog into the registry; 502 (DomainError upstream) when 360dialog cannot be reached or refuses. */
  syncChannel(channel: Channel): Promise<TemplateSyncResponse> {
    let pending = this.inFlight.get(channel.id);
    if (!pending) {
      pending = this.runSync(channel).finally(() => this.inFlight.delete(channel.id));
      this.inFlight.set(channel.id, pending);
    }
    return pending;
  }

  /**
   * The pre-flight verdict on a campaign's template for this channel. The registry is synced first
   * when the channel was never synced or the template's entry (else the channel's last sync) is older
   * than TEMPLATE_MAX_AGE_SECONDS. Without `tolerateUnreachable` a failed sync throws (502); with it
   * (the launch) the registry as last synced is used, and a channel never synced passes.
   */
  async verdict(channel: Channel, template: Template, options: { tolerateUnreachable?: boolean } = {}): Promise<TemplateVerdict> {
    let rows = await this.templates.forChannel(channel.id);
    const entry = rows.find((row) => row.name === template.name && row.language === template.language);
    const seenAt = entry?.syncedAt ?? channel.templatesSyncedAt;
    if (!seenAt || Date.now() - seenAt.getTime() > this.config.env.TEMPLATE_MAX_AGE_SECONDS * 1000) {
      try {
        await this.syncChannel(channel);
        rows = await this.templates.forChannel(channel.id);
      } catch (error) {
        if (!options.tolerateUnreachable || !(error instanceof DomainError)) throw error;
        this.logger.warn(`channel ${channel.id}: checking template "${template.name}" against the registry as last synced: ${error.message}`);
        if (!channel.templatesSyncedAt) return { ok: true };
      }
    }
    return checkTemplate(template, rows.map(toDefinition));
  }

  /** The pre-flight of scheduling: 422 naming the template, component and what to change; 502 when the registry cannot be synced. */
  async assertSendable(channel: Channel, template: Template): Promise<void> {
    const verdict = await this.verdict(channel, template);
    if (verdict.ok) return;
    throw new DomainError(
      'unprocessable',
      `the template does not match what WhatsApp has registered for channel "${channel.name}": ${verdict.problems.join('; ')}. ` +
        `Fix the campaign's template (GET /v1/channels/${channel.id}/templates lists the registered ones), or set skipTemplateCheck: true to schedule without this check`,
      { problems: verdict.problems },
    );
  }

  private async runSync(channel: Channel): Promise<TemplateSyncResponse> {
    let credentials;
    try {
      credentials = this.channels.credentialsFor(channel);
    } catch (error) {
      if (error instanceof ApiKeyUnreadableError) throw new DomainError('conflict', error.message);
      throw error;
    }
    const result = await this.client.listTemplates(credentials);
    if (!result.ok) {
      const answer = result.httpStatus === null ? 'no answer' : `HTTP ${result.httpStatus}`;
      const code = result.errorCode !== null ? ` (code ${result.errorCode})` : '';
      throw new DomainError(
        'upstream',
        `could not list the templates of channel "${channel.name}" from 360dialog (${channel.baseUrl}): ${answer}${code}: ${result.errorTitle}`,
        {
          upstream: {
            httpStatus: result.httpStatus,
            errorCode: result.errorCode,
            errorTitle: result.errorTitle,
          },
        },
      );
    }
    const syncedAt = new Date();
    const counts = await this.dataSource.transaction(async (manager) => {
      const changes = await this.templates.replaceForChannel(channel.id, result.templates, syncedAt, manager);
      await this.channelsRepository.markTemplatesSynced(channel.id, syncedAt, manager);
      return changes;
    });
    channel.templatesSyncedAt = syncedAt;
    const total = new Set(result.templates.map((definition) => `${definition.name}\u0000${definition.language}`)).size;
    if (counts.added + counts.changed + counts.removed > 0 || result.ignored.length > 0) {
      this.logger.log(
        `channel ${channel.id}: templates synced (${result.pages} page(s)): ${counts.added} added, ${counts.changed} changed, ${counts.removed} removed` +
          (result.ignored.length > 0 ? `; ignored ${result.ignored.join('; ')}` : ''),
      );
    }
    return { ...counts, total, ignored: result.ignored, syncedAt: syncedAt.toISOString() };
  }
}

function toDefinition(row: ChannelTemplate): TemplateDefinition {
  return {
    name: row.name,
    language: row.language,
    status: row.status,
    category: row.category,
    parameterFormat: row.parameterFormat as ParameterFormat,
    namespace: row.namespace,
    components: row.components,
  };
}

function toResponse(row: ChannelTemplate): ChannelTemplateResponse {
  return {
    name: row.name,
    language: row.language,
    status: row.status,
    category: row.category,
    parameterFormat: row.parameterFormat,
    components: row.components.map((component) => ({
      type: component.type,
      format: component.format,
      parameterCount: component.parameterCount,
      parameterNames: component.parameterNames,
      buttons: component.buttons,
      text: component.text ?? null,
    })),
    syncedAt: row.syncedAt.toISOString(),
  };
}
