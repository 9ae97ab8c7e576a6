import { ApiProperty } from '@nestjs/swagger';
import { MONEY_FORMAT } from '../../pricing/dto/rate-card.dto.js';

export class CostCategoryDto {
  @ApiProperty({ example: 'marketing', description: 'Pricing category as the statuses carried it' })
  category: string;

  @ApiProperty({ example: 2, description: 'Charged messages of the category (each message id once)' })
  messages: number;

  @ApiProperty({ example: '0.2262', description: `What they cost by the rate card. ${MONEY_FORMAT}` })
  amount: string;

  @ApiProperty({ example: true, description: 'false: the rate card has no price for this category (and no "*" line): counted at no cost' })
  priced: boolean;
}

/** The report's `cost`: what the estimate said, and what the charged messages cost. */
export class CampaignCostDto {
  @ApiProperty({ example: 'EUR', description: "The rate card's currency (ISO 4217)" })
  currency: string;

  @ApiProperty({ example: '0.3393', description: `The estimate's total (GET /v1/campaigns/:id/estimate). ${MONEY_FORMAT}` })
  estimated: string;

  @ApiProperty({
    example: '0.2262',
    description: `Charged messages priced by the card: each message once, whichever of sent/delivered/read carried its pricing; billable:false and the free types cost nothing. ${MONEY_FORMAT}`,
  })
  actual: string;

  @ApiProperty({ example: 2, description: 'Messages WhatsApp charges (stored pricing: billable, not a free type)' })
  billableMessages: number;

  @ApiProperty({ type: () => [CostCategoryDto] })
  byCategory: CostCategoryDto[];

  @ApiProperty({ example: "EXAMPLE figures, not your prices: set PRICING_RATE_CARD to your account's rate card", description: "The rate card's name" })
  rateCard: string;
}

export class EstimateLineDto {
  @ApiProperty({ type: String, nullable: true, example: '49', description: "The recipients' country calling code; null when their numbers start with none" })
  callingCode: string | null;

  @ApiProperty({ type: [String], example: ['DE'], description: 'Countries of that calling code (ISO 3166 alpha-2), the main one first' })
  countries: string[];

  @ApiProperty({ type: String, nullable: true, example: 'marketing', description: "The template's category from the channel's template registry" })
  category: string | null;

  @ApiProperty({ type: String, nullable: true, example: '49', description: 'The rate-card line that priced them ("*": the fallback); null when not priced' })
  rateCallingCode: string | null;

  @ApiProperty({ example: 3 }) recipients: number;

  @ApiProperty({ example: 0, description: 'Free: inside a customer-service window (wrote in the last 24 h) with a UTILITY template' })
  free: number;

  @ApiProperty({ example: 3 }) billable: number;

  @ApiProperty({ type: String, nullable: true, example: '0.1131', description: `Price of one message; null when not priced. ${MONEY_FORMAT}` })
  unitPrice: string | null;

  @ApiProperty({ example: '0.3393', description: `billable × unitPrice. ${MONEY_FORMAT}` })
  amount: string;

  @ApiProperty({ example: true, description: 'false: the card has no price for this category and calling code (and no "*"): costs nothing here' })
  priced: boolean;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why a line costs nothing, when it does' })
  note: string | null;
}

export class EstimateTemplateDto {
  @ApiProperty({ example: 'spring_sale' }) name: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ type: String, nullable: true, example: 'marketing', description: "From the channel's template registry; null when the registry does not list the template" })
  category: string | null;
}

export class CampaignEstimateDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty({ example: 'draft' }) status: string;

  @ApiProperty({
    enum: ['audience', 'recipients'],
    example: 'audience',
    description: 'audience: not launched yet, computed from the audience the launch would use (the list or audience, without opted-out members); recipients: the recipients frozen at launch',
  })
  basis: 'audience' | 'recipients';

  @ApiProperty({ type: () => EstimateTemplateDto }) template: EstimateTemplateDto;

  @ApiProperty({ example: 'EUR', description: "The rate card's currency (ISO 4217)" }) currency: string;
  @ApiProperty({ example: "EXAMPLE figures, not your prices: set PRICING_RATE_CARD to your account's rate card" }) rateCard: string;
  @ApiProperty({ example: true, description: 'true: the built-in example card (PRICING_RATE_CARD unset): not your prices' }) exampleRateCard: boolean;

  @ApiProperty({ example: 3 }) recipients: number;
  @ApiProperty({ example: 0 }) free: number;
  @ApiProperty({ example: 3 }) billable: number;
  @ApiProperty({ example: '0.3393', description: `The sum of the lines. ${MONEY_FORMAT}` }) total: string;

  @ApiProperty({ type: () => [EstimateLineDto], description: 'Per calling code and rate-card line, dearest first' })
  lines: EstimateLineDto[];

  @ApiProperty({ type: [String], example: [], description: 'What makes the estimate incomplete (a template the registry does not list, unpriced lines)' })
  notes: string[];
}
