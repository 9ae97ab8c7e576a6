import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiTokenGuard } from '../common/api-token.guard.js';
import { RateCardDto } from './dto/rate-card.dto.js';
import { formatMicros } from './money.js';
import { RateCardService } from './rate-card.service.js';

@ApiTags('pricing')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing or wrong API token' })
@UseGuards(ApiTokenGuard)
@Controller('v1/pricing')
export class PricingController {
  constructor(private readonly rateCard: RateCardService) {}

  @Get('rate-card')
  @ApiOperation({
    summary: 'The rate card in use',
    description:
      'What estimates and costs are priced with: PRICING_RATE_CARD as loaded at start, or the built-in EXAMPLE card (`example: true`) while it is unset.',
  })
  @ApiOkResponse({ type: RateCardDto })
  show(): RateCardDto {
    const { card, source } = this.rateCard;
    return {
      name: card.name,
      currency: card.currency,
      example: source.example,
      path: source.path,
      rates: card.rates.map((rate) => ({ callingCode: rate.callingCode, category: rate.category, price: formatMicros(rate.micros) })),
    };
  }
}
