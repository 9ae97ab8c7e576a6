import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AudiencesService } from '../audiences/audiences.service.js';
import { Channel } from '../channels/channel.entity.js';
import { TemplatesService } from '../channels/templates/templates.service.js';
import { type TimeIdPosition, timeIdCursor } from '../common/cursor.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { ContactList } from '../contacts/list.entity.js';
import { RETRYABLE_ERROR_CODES } from '../whatsapp/send-errors.js';
import { Campaign, type CampaignEdit, type CampaignTransition } from './campaign.entity.js';
import type { Template } from '../whatsapp/types.js';
import { type CampaignAction, transition } from './campaign-transitions.js';
import { CampaignsRepository } from './campaigns.repository.js';
import type { CampaignListResponse, CampaignResponse, CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto.js';
import { findPlaceholderSlots, PlaceholderSyntaxError } from './placeholders.js';
import { RecipientsRepository } from './recipients.repository.js';
import { requireApprovedTemplate } from './template-resume-guard.js';
import { type FrequencyCap, validateFrequencyCap } from './frequency-cap.js';
import { RECIPIENT_LOCAL, type SendWindow, validateSendWindow } from './send-window.js';
import { effectiveValidUntil } from './valid-until.js';
import { type CampaignVariant, variantProblems, type WinnerRule } from './variants.js';

const campaignCursor = timeIdCursor('k');

/** A scheduledAt this far in the past is still taken as "now" (clock skew between client and server). */
const PAST_TOLERANCE_MS = 60_000;

@Injectable()
export class CampaignsService {
  private readonly logger = new Logger(CampaignsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsRepository,
    private readonly recipients: RecipientsRepository,
    private readonly templates: TemplatesService,
    private readonly audiences: AudiencesService,
  ) {}

  async create(input: CreateCampaignDto, now = new Date()): Promise<CampaignResponse> {
    const channel = await this.requireChannel(input.channelId, this.dataSource.manager);
    const reach = await this.validReach(input, this.dataSource.manager);
    if (!reach) throw new DomainError('invalid', 'listId or audience is required: name the list to reach, or an audience such as {"listIds": ["…"]}');
    const { template, variants, winner } = this.validTemplates(input, channel);
    const sendWindow = input.sendWindow ? this.validWindow(input.sendWindow) : null;
    const scheduledAt = input.scheduledAt ? this.validScheduledAt(input.scheduledAt, now) : null;
    const skipTemplateCheck = input.skipTemplateCheck ?? false;
    // A draft may hold any template; a scheduled campaign must be sendable (checked again at launch).
    if (scheduledAt && !skipTemplateCheck) await this.assertSendable(channel, { template, variants });
    const validUntil = input.validUntil ? this.validValidUntil(input.validUntil, scheduledAt, now) : null;
    const frequencyCap = input.frequencyCap ? this.validFrequencyCap(input.frequencyCap) : null;
    const saved = await this.campaigns.create({
      validUntil,
      frequencyCap,
      name: input.name,
      channelId: input.channelId,
      listId: reach.listId,
      audience: reach.audience,
      template,
      sendWindow,
      scheduledAt,
      status: scheduledAt ? 'scheduled' : 'draft',
      skipTemplateCheck,
      ttlSeconds: input.ttlSeconds ?? null,
      variants,
      winner,
    });
    return toResponse(saved);
  }

  async update(id: string, input: UpdateCampaignDto): Promise<CampaignResponse> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status !== 'draft' && campaign.status !== 'scheduled') {
        throw new DomainError('conflict', `cannot edit a campaign that is ${campaign.status}: only draft and scheduled campaigns can be edited`);
      }
      const channel = await this.requireChannel(input.channelId ?? campaign.channelId, manager);
      const reach = await this.validReach(input, manager);
      if (reach?.audience?.fromCampaign?.campaignId === campaign.id) {
        throw new DomainError('invalid', 'audience.fromCampaign.campaignId: a campaign cannot retarget its own recipients; name an earlier campaign');
      }
      const edit: CampaignEdit = { ...reach };
      if (input.name !== undefined) edit.name = input.name;
      if (input.channelId) edit.channelId = input.channelId;
      if (input.template && campaign.variants) {
        throw new DomainError('invalid', 'template: this campaign is an A/B test; its variants are fixed at creation (create a new campaign to change them)');
      }
      if (input.template || input.channelId) edit.template = this.validTemplate(input.template ?? campaign.template, channel);
      if (input.channelId && campaign.variants) {
        edit.variants = campaign.variants.map((variant, index) => ({ ...variant, template: this.validTemplate(variant.template, channel, `variants[${index}].template`) }));
      }
      if (input.sendWindow !== undefined) edit.sendWindow = input.sendWindow ? this.validWindow(input.sendWindow) : null;
      if (input.skipTemplateCheck !== undefined) edit.skipTemplateCheck = input.skipTemplateCheck;
      // A scheduled campaign whose template, channel or check setting changes must stay sendable.
      const recheck = edit.template !== undefined || edit.skipTemplateCheck === false;
      if (campaign.status === 'scheduled' && recheck && !(edit.skipTemplateCheck ?? campaign.skipTemplateCheck)) {
        await this.assertSendable(channel, { template: edit.template ?? campaign.template, variants: edit.variants ?? campaign.variants });
      }
      if (input.ttlSeconds !== undefined) edit.ttlSeconds = input.ttlSeconds;
      if (input.frequencyCap !== undefined) edit.frequencyCap = input.frequencyCap ? this.validFrequencyCap(input.frequencyCap) : null;
      if (input.validUntil !== undefined) edit.validUntil = input.validUntil ? this.validValidUntil(input.validUntil, campaign.scheduledAt, new Date()) : null;
      return toResponse(await this.campaigns.applyEdit(campaign, edit, manager));
    });
  }

  async get(id: string): Promise<CampaignResponse> {
    return toResponse(await this.find(id));
  }

  async find(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.findById(id);
    if (!campaign) throw notFound('campaign', id);
    return campaign;
  }

  async list(cursor: string | undefined, limit = 50): Promise<CampaignListResponse> {
    let before: TimeIdPosition | null = null;
    if (cursor) {
      before = campaignCursor.decode(cursor);
      if (!before) throw new DomainError('invalid', 'cursor is not one this API returned: pass nextCursor of the previous page unchanged');
    }
    const rows = await this.campaigns.page(before, limit + 1);
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
      if (action === 'resume') await requireApprovedTemplate(campaign, manager);
      const change: CampaignTransition = { status: result.to };
      switch (action) {
        case 'schedule':
          change.scheduledAt = options.scheduledAt ? this.validScheduledAt(options.scheduledAt, now) : (campaign.scheduledAt ?? now);
          if (!campaign.skipTemplateCheck) await this.assertSendable(await this.requireChannel(campaign.channelId, manager), campaign);
          break;
        case 'pause':
          change.pausedReason = 'paused by user';
          break;
        case 'resume':
          change.pausedReason = null;
          break;
        case 'cancel':
          change.cancelledAt = now;
          await this.recipients.cancelUnsent(campaign.id, manager);
          break;
        case 'retry-failed': {
          const requeued = await this.recipients.requeueRetryableFailures({ campaignId: campaign.id, retryableErrorCodes: RETRYABLE_ERROR_CODES }, manager);
          this.logger.log(`campaign ${campaign.id}: re-queued ${requeued} failed recipients`);
          change.completedAt = null;
          change.pausedReason = null;
          break;
        }
      }
      return toResponse(await this.campaigns.applyTransition(campaign, change, manager));
    });
  }

  private async lock(id: string, manager: EntityManager): Promise<Campaign> {
    const campaign = await this.campaigns.lockById(id, manager);
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

  /** Whom the campaign reaches: one list or an audience (exactly one of them); null when neither is given. */
  private async validReach(input: { listId?: string | null; audience?: unknown }, manager: EntityManager): Promise<Pick<Campaign, 'listId' | 'audience'> | null> {
    // null counts as absent: {"listId": null, "audience": {…}} names the audience.
    const { listId, audience } = input;
    if (listId != null && audience != null) {
      throw new DomainError('invalid', 'give listId or audience, not both: listId is shorthand for {"audience": {"listIds": [listId]}}');
    }
    if (listId != null) {
      await this.requireList(listId, manager);
      return { listId, audience: null };
    }
    if (audience != null) return { listId: null, audience: await this.audiences.validate(audience, {}, manager) };
    return null;
  }

  private async requireList(id: string, manager: EntityManager): Promise<void> {
    if (!(await manager.getRepository(ContactList).existsBy({ id }))) throw new DomainError('invalid', `listId: no list with id ${id}`);
  }

  /** `template`, or `variants` (an A/B test, whose first variant's template the campaign's `template` mirrors), never both. */
  private validTemplates(
    input: Pick<CreateCampaignDto, 'template' | 'variants' | 'winner'>,
    channel: Channel,
  ): { template: Template; variants: CampaignVariant[] | null; winner: WinnerRule | null } {
    if (input.template && input.variants) throw new DomainError('invalid', 'give either template or variants (an A/B test), not both');
    if (input.winner && !input.variants) throw new DomainError('invalid', 'winner needs variants: it picks the best of them');
    if (input.template) return { template: this.validTemplate(input.template, channel), variants: null, winner: null };
    if (!input.variants) throw new DomainError('invalid', 'template is required (or variants, for an A/B test)');
    const problems = variantProblems(input.variants, input.winner);
    if (problems.length > 0) throw new DomainError('invalid', problems.join('; '));
    const variants = input.variants.map((variant, index) => ({
      name: variant.name,
      weight: variant.weight,
      template: this.validTemplate(variant.template, channel, `variants[${index}].template`),
    }));
    const winner = input.winner ? { metric: input.winner.metric, testShare: input.winner.testShare, afterHours: input.winner.afterHours } : null;
    return { template: variants[0].template, variants, winner };
  }

  /** The pre-flight template check, for every variant of an A/B test (naming the one that fails). */
  private async assertSendable(channel: Channel, campaign: { template: Template; variants: readonly CampaignVariant[] | null }): Promise<void> {
    if (!campaign.variants) return this.templates.assertSendable(channel, campaign.template);
    for (const variant of campaign.variants) {
      try {
        await this.templates.assertSendable(channel, variant.template);
      } catch (error) {
        if (error instanceof DomainError) throw new DomainError(error.code, `variant ${variant.name}: ${error.message}`, { ...error.details, variant: variant.name });
        throw error;
      }
    }
  }

  private validTemplate(template: Template, channel: Channel, field = 'template'): Template {
    try {
      findPlaceholderSlots(template.components);
    } catch (error) {
      if (error instanceof PlaceholderSyntaxError) throw new DomainError('invalid', `${field}.components: ${error.message}`);
      throw error;
    }
    const namespace = template.namespace ?? channel.templateNamespace ?? null;
    if (channel.apiGeneration === 'onpremise' && !namespace) {
      throw new DomainError('invalid', `${field}.namespace is required for an On-Premise channel without a default templateNamespace`);
    }
    return { name: template.name, language: template.language, namespace, components: template.components };
  }

  private validWindow(window: SendWindow): SendWindow {
    const problems = validateSendWindow(window);
    if (problems.length > 0) throw new DomainError('invalid', problems.join('; '));
    if (window.timezone === RECIPIENT_LOCAL) return { start: window.start, end: window.end, timezone: window.timezone, fallbackTimezone: window.fallbackTimezone };
    return { start: window.start, end: window.end, timezone: window.timezone };
  }

  private validFrequencyCap(cap: FrequencyCap): FrequencyCap {
    const problems = validateFrequencyCap(cap);
    if (problems.length > 0) throw new DomainError('invalid', problems.join('; '));
    return { max: cap.max, hours: cap.hours };
  }

  private validValidUntil(value: string, scheduledAt: Date | null, now: Date): Date {
    const validUntil = new Date(value);
    const earliest = scheduledAt && scheduledAt > now ? scheduledAt : now;
    if (validUntil.getTime() <= earliest.getTime()) {
      throw new DomainError('invalid', `validUntil ${value} must be after ${scheduledAt && scheduledAt > now ? 'scheduledAt' : 'now'} (${earliest.toISOString()})`);
    }
    return validUntil;
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
    audience: campaign.audience,
    template: { ...campaign.template, namespace: campaign.template.namespace ?? undefined },
    scheduledAt: iso(campaign.scheduledAt),
    sendWindow: campaign.sendWindow,
    validUntil: iso(effectiveValidUntil(campaign)),
    status: campaign.status,
    pausedReason: campaign.pausedReason,
    failureReason: campaign.failureReason,
    templateNotice: campaign.templateNotice,
    skipTemplateCheck: campaign.skipTemplateCheck,
    ttlSeconds: campaign.ttlSeconds ?? null,
    frequencyCap: campaign.frequencyCap ?? null,
    variants: campaign.variants?.map((variant) => ({ ...variant, template: { ...variant.template, namespace: variant.template.namespace ?? undefined } })) ?? null,
    winner: campaign.winner,
    winnerVariant: campaign.winnerVariant,
    winnerPickedAt: iso(campaign.winnerPickedAt),
    launchedAt: iso(campaign.launchedAt),
    startedAt: iso(campaign.startedAt),
    completedAt: iso(campaign.completedAt),
    cancelledAt: iso(campaign.cancelledAt),
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
