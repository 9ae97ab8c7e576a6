import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { oneList } from '../audiences/audience.js';
import { AudiencesService } from '../audiences/audiences.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { TemplatesService } from '../channels/templates/templates.service.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/ids.js';
import { actualCost, type AudienceGroup, type Estimate, estimateCost } from '../pricing/estimate-math.js';
import { formatMicros } from '../pricing/money.js';
import { RateCardService } from '../pricing/rate-card.service.js';
import {
  type CostCampaign,
  selectChargedGroups,
  selectCostCampaign,
  selectDraftAudience,
  selectLaunchedAudience,
  selectTemplateCategory,
} from './cost.queries.js';
import type { CampaignCostDto, CampaignEstimateDto, EstimateLineDto } from './dto/cost.dto.js';

/**
 * What a campaign will cost (the estimate, GET /v1/campaigns/:id/estimate) and what it cost (the
 * report's `cost`), priced by the rate card loaded at start. The template's category comes from the
 * channel's registry (the estimate syncs it once when the template is missing; the report never calls
 * 360dialog). Both read grouped counts only: the
 * launched audience and the charged messages from campaign_cost_counters, a draft's audience from its
 * list or audience (one GROUP BY over the launch's own audience SQL).
 */
@Injectable()
export class CostService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rateCard: RateCardService,
    private readonly channels: ChannelsService,
    private readonly templates: TemplatesService,
    private readonly audiences: AudiencesService,
  ) {}

  async estimate(campaignId: string): Promise<CampaignEstimateDto> {
    const campaign = await this.requireCampaign(campaignId);
    const notes: string[] = [];
    let category = await selectTemplateCategory(this.dataSource, campaign);
    if (category === null) {
      // Not in the registry (a draft whose channel was never synced, or a new template): list it from 360dialog once.
      const failure = await this.syncRegistry(campaign);
      category = await selectTemplateCategory(this.dataSource, campaign);
      if (category === null) {
        notes.push(
          `Template "${campaign.templateName}" (${campaign.templateLanguage}) is not in the channel's template registry` +
            (failure ? ` (the registry could not be synced: ${failure})` : '') +
            `, so its category is unknown and nothing is priced: fix the campaign's template (GET /v1/channels/${campaign.channelId}/templates lists the registered ones)`,
        );
      }
    }
    const estimate = await this.estimateFor(campaign, category);
    const { card, source } = this.rateCard;
    const lines = estimate.lines.map((line): EstimateLineDto => ({
      callingCode: line.callingCode,
      countries: line.countries,
      category: line.category,
      rateCallingCode: line.rateCallingCode,
      recipients: line.recipients,
      free: line.free,
      billable: line.billable,
      unitPrice: line.priced ? formatMicros(line.unitMicros) : null,
      amount: formatMicros(line.amountMicros),
      priced: line.priced,
      note: lineNote(line, card.name),
    }));
    const unpriced = lines.filter((line) => !line.priced && line.category !== null);
    if (unpriced.length > 0) {
      notes.push(`${unpriced.reduce((sum, line) => sum + line.billable, 0)} recipient(s) have no price on the rate card for ${category}: counted at no cost`);
    }
    return {
      campaignId: campaign.id,
      status: campaign.status,
      basis: campaign.launched ? 'recipients' : 'audience',
      template: { name: campaign.templateName, language: campaign.templateLanguage, category },
      currency: card.currency,
      rateCard: card.name,
      exampleRateCard: source.example,
      recipients: estimate.recipients,
      free: estimate.free,
      billable: estimate.billable,
      total: formatMicros(estimate.totalMicros),
      lines,
      notes,
    };
  }

  /** The report's `cost`, for a campaign the caller has found. */
  async reportCost(campaignId: string): Promise<CampaignCostDto> {
    const campaign = await this.requireCampaign(campaignId);
    const category = await selectTemplateCategory(this.dataSource, campaign);
    const [estimate, charged] = await Promise.all([this.estimateFor(campaign, category), selectChargedGroups(this.dataSource, campaign.id)]);
    const actual = actualCost(charged, this.rateCard.plan);
    const { card } = this.rateCard;
    return {
      currency: card.currency,
      estimated: formatMicros(estimate.totalMicros),
      actual: formatMicros(actual.totalMicros),
      billableMessages: actual.billableMessages,
      byCategory: actual.byCategory.map((line) => ({ category: line.category, messages: line.messages, amount: formatMicros(line.amountMicros), priced: line.priced })),
      rateCard: card.name,
    };
  }

  /** One charged message's price by the card (micro-units), or null when the card does not price it. */
  unitPrice(waId: string, category: string): number | null {
    const price = this.rateCard.plan.priceFor(waId, category);
    return price.priced ? price.micros : null;
  }

  private async estimateFor(campaign: CostCampaign, category: string | null): Promise<Estimate> {
    return estimateCost(await this.audience(campaign, category), category, this.rateCard.plan);
  }

  /** Syncs the channel's template registry; returns why it failed (a 360dialog error), or null. */
  private async syncRegistry(campaign: CostCampaign): Promise<string | null> {
    try {
      await this.templates.syncChannel(await this.channels.requireChannel(campaign.channelId));
      return null;
    } catch (error) {
      if (error instanceof DomainError) return error.message;
      throw error;
    }
  }

  /** Launched: its recipients; else the audience the launch would use (cost.queries.ts selectDraftAudience). */
  private async audience(campaign: CostCampaign, category: string | null): Promise<AudienceGroup[]> {
    if (campaign.launched) return selectLaunchedAudience(this.dataSource, campaign.id, category === 'utility');
    const audience = campaign.audience ? await this.audiences.resolve(campaign.audience) : oneList(campaign.listId ?? '');
    return selectDraftAudience(this.dataSource, audience, category);
  }

  private async requireCampaign(campaignId: string): Promise<CostCampaign> {
    const campaign = isUuid(campaignId) ? await selectCostCampaign(this.dataSource, campaignId) : null;
    if (!campaign) throw notFound('Campaign', campaignId);
    return campaign;
  }
}

function lineNote(line: Estimate['lines'][number], cardName: string): string | null {
  if (line.category === null) return 'template category unknown: not priced';
  if (!line.priced) return `"${cardName}" has no ${line.category} price for calling code ${line.callingCode ?? '?'} and no "*" line: costs nothing here`;
  if (line.free > 0 && line.billable === 0) return 'all inside a customer-service window: free';
  return null;
}
