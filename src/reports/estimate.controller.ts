import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { CostService } from './cost.service.js';
import { CampaignEstimateDto } from './dto/cost.dto.js';

@ApiTags('pricing')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@ApiNotFoundResponse({ description: 'Unknown campaign' })
@UseGuards(ApiTokenGuard)
@Controller('v1/campaigns')
export class EstimateController {
  constructor(private readonly cost: CostService) {}

  @Get(':id/estimate')
  @ApiOperation({
    summary: 'What the campaign will cost',
    description:
      "Recipients by country calling code and the template's category (from the channel's template registry), who would be free " +
      '(inside a customer-service window — wrote in the last 24 h — with a UTILITY template), the price per group and the total, ' +
      "in the rate card's currency, with the card's name. Works for drafts (the audience the launch would use) and launched " +
      'campaigns (their recipients). Amounts are decimal strings computed from integer micro-units: exact, no float drift.',
  })
  @ApiOkResponse({ type: CampaignEstimateDto })
  estimate(@Param('id') id: string): Promise<CampaignEstimateDto> {
    return this.cost.estimate(id);
  }
}
