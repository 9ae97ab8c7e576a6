import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { Channel } from '../channels/channel.entity.js';
import { timeIdCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { execute } from '../database/sql.js';
import { ContactList } from '../contacts/list.entity.js';
import { RETRYABLE_ERROR_CODES } from '../whatsapp/send-errors.js';
import { Campaign } from './campaign.entity.js';
import type { Template } from '../whatsapp/types.js';
import { type CampaignAction, transition } from './campaign-transitions.js';
import { CANCEL_UNSENT_RECIPIENTS, REQUEUE_RETRYABLE_FAILURES } from './campaigns.queries.js';
import type { CampaignListResponse, CampaignResponse, CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto.js';
import { findPlaceholderSlots, PlaceholderSyntaxError } from './placeholders.js';
import { type SendWindow, validateSendWindow } from './send-window.js';

const campaignCursor = timeIdCursor('k');

/** A scheduledAt this far in the past is still taken as "now" (clock skew between client and server). */
const PAST_TOLERANCE_MS = 60_000;

@Injectable()
export class CampaignsService {
  private readonly logger = new Logger(CampaignsService.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
  ) {}

  async create(input: CreateCampaignDto, now = new Date()): Promise<CampaignResponse> {
    const channel = await this.requireChannel(input.channelId, this.dataSource.manager);
    await this.requireList(input.listId, this.dataSource.manager);
    const template = this.validTemplate(input.template, channel);
    const sendWindow = input.sendWindow ? this.validWindow(input.sendWindow) : null;
    const scheduledAt = input.scheduledAt ? this.validScheduledAt(input.scheduledAt, now) : null;
    const saved = await this.campaigns.save(
      this.campaigns.create({
        name: input.name,
        channelId: input.channelId,
        listId: input.listId,
        template,
        sendWindow,
        scheduledAt,
        status: scheduledAt ? 'scheduled' : 'draft',
      }),
    );
    return toResponse(saved);
  }

  async update(id: string, input: UpdateCampaignDto): Promise<CampaignResponse> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status !== 'draft' && campaign.status !== 'scheduled') {
        throw new DomainError('conflict', `cannot edit a campaign that is ${campaign.status}: only draft and scheduled campaigns can be edited`);
      }
      const channel = await this.requireChannel(input.channelId ?? campaign.channelId, manager);
      if (input.listId) await this.requireList(input.listId, manager);
      if (input.name !== undefined) campaign.name = input.name;
      if (input.channelId) campaign.channelId = input.channelId;
      if (input.listId) campaign.listId = input.listId;
      if (input.template || input.channelId) campaign.template = this.validTemplate(input.template ?? campaign.template, channel);
      if (input.sendWindow !== undefined) campaign.sendWindow = input.sendWindow ? this.validWindow(input.sendWindow) : null;
      return toResponse(await manager.save(campaign));
    });
  }

  async get(id: string): Promise<CampaignResponse> {
    return toResponse(await this.find(id));
  }

  async find(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.findOneBy({ id });
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }

  async list(cursor: string | undefined, limit = 50): Promise<CampaignListResponse> {
    // Ordered by creation at millisecond precision (what a Date, and so the cursor, carries), then id:
    // ordering by the full microseconds would skip rows created in the same millisecond as a page's last.
    const query = this.campaigns
      .createQueryBuilder('c')
      .orderBy("date_trunc('milliseconds', c.created_at)", 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (cursor) {
      const position = campaignCursor.decode(cursor);
      if (!position) throw new DomainError('invalid', 'cursor is not one this API returned: pass nextCursor of the previous page unchanged');
      query.where("(date_trunc('milliseconds', c.created_at), c.id) < (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))", position);
    }
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toResponse),
      nextCursor: rows.length > limit && last ? campaignCursor.encode({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  /** Applies a user action per the transition table; the campaign row is locked for the change. */
  async act(id: string, action: CampaignAction, options: { scheduledAt?: string } = {}, now = new Date()): Promise<CampaignResponse> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      const result = transition(campaign.status, action, { now, scheduledAt: campaign.scheduledAt, launched: campaign.launchedAt !== null });
      if (!result.ok) throw new DomainError('conflict', result.reason, { currentStatus: campaign.status });
      if (action === 'resume' || action === 'retry-failed') await this.requireUsableChannel(campaign, action, manager);
      switch (action) {
        case 'schedule':
          campaign.scheduledAt = options.scheduledAt ? this.validScheduledAt(options.scheduledAt, now) : (campaign.scheduledAt ?? now);
          break;
        case 'pause':
          campaign.pausedReason = 'paused by user';
          break;
        case 'resume':
          campaign.pausedReason = null;
          break;
        case 'cancel':
          campaign.cancelledAt = now;
          await manager.query(CANCEL_UNSENT_RECIPIENTS, [campaign.id]);
          break;
        case 'retry-failed': {
          const requeued = await execute(manager, REQUEUE_RETRYABLE_FAILURES, [campaign.id, RETRYABLE_ERROR_CODES]);
          this.logger.log(`campaign ${campaign.id}: re-queued ${requeued} failed recipients`);
          campaign.completedAt = null;
          campaign.pausedReason = null;
          break;
        }
      }
      campaign.status = result.to;
      return toResponse(await manager.save(campaign));
    });
  }

  private async lock(id: string, manager: EntityManager): Promise<Campaign> {
    const campaign = await manager.getRepository(Campaign).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }

  /** A paused channel sends nothing: a campaign resumed onto it would run silently (and be paused again). */
  private async requireUsableChannel(campaign: Campaign, action: CampaignAction, manager: EntityManager): Promise<void> {
    const channel = await manager.getRepository(Channel).findOneBy({ id: campaign.channelId });
    if (!channel?.pausedReason) return;
    throw new DomainError(
      'conflict',
      `cannot ${action} a campaign that is ${campaign.status} while its channel "${channel.name}" (${channel.id}) is paused: ${channel.pausedReason}. ` +
        `Fix the cause, clear the channel's pausedReason (PATCH /v1/channels/${channel.id}), then ${action} again`,
      { currentStatus: campaign.status, channelId: channel.id, channelPausedReason: channel.pausedReason },
    );
  }

  private async requireChannel(id: string, manager: EntityManager): Promise<Channel> {
    const channel = await manager.getRepository(Channel).findOneBy({ id });
    if (!channel) throw new DomainError('invalid', `channelId: no channel with id ${id}`);
    return channel;
  }

  private async requireList(id: string, manager: EntityManager): Promise<void> {
    if (!(await manager.getRepository(ContactList).existsBy({ id }))) throw new DomainError('invalid', `listId: no list with id ${id}`);
  }

  private validTemplate(template: Template, channel: Channel): Template {
    try {
      findPlaceholderSlots(template.components);
    } catch (error) {
      if (error instanceof PlaceholderSyntaxError) throw new DomainError('invalid', `template.components: ${error.message}`);
      throw error;
    }
    const namespace = template.namespace ?? channel.templateNamespace ?? null;
    if (channel.apiGeneration === 'onpremise' && !namespace) {
      throw new DomainError('invalid', 'template.namespace is required for an On-Premise channel without a default templateNamespace');
    }
    return { name: template.name, language: template.language, namespace, components: template.components };
  }

  private validWindow(window: SendWindow): SendWindow {
    const problems = validateSendWindow(window);
    if (problems.length > 0) throw new DomainError('invalid', problems.join('; '));
    return { start: window.start, end: window.end, timezone: window.timezone };
  }

  private validScheduledAt(value: string, now: Date): Date {
    const scheduledAt = new Date(value);
    if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
      throw new DomainError('invalid', `scheduledAt ${value} is in the past: give a time from now on (server time ${now.toISOString()})`);
    }
    return scheduledAt;
  }
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function toResponse(campaign: Campaign): CampaignResponse {
  return {
    id: campaign.id,
    name: campaign.name,
    channelId: campaign.channelId,
    listId: campaign.listId,
    template: { ...campaign.template, namespace: campaign.template.namespace ?? undefined },
    scheduledAt: iso(campaign.scheduledAt),
    sendWindow: campaign.sendWindow,
    status: campaign.status,
    pausedReason: campaign.pausedReason,
    failureReason: campaign.failureReason,
    launchedAt: iso(campaign.launchedAt),
    startedAt: iso(campaign.startedAt),
    completedAt: iso(campaign.completedAt),
    cancelledAt: iso(campaign.cancelledAt),
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
