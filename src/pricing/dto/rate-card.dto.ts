import { ApiProperty } from '@nestjs/swagger';

/** Money in answers: decimal strings computed from integer micro-units (millionths of the currency unit), exact to 6 decimals. */
export const MONEY_FORMAT =
  'Decimal string in the card currency (at least 2, at most 6 decimals), computed from integer micro-units (millionths of the unit): sums are exact, no float drift';

export class RateCardLineDto {
  @ApiProperty({ example: '49', description: 'Calling-code prefix of the recipient number (1–4 digits), or "*" for every other number' })
  callingCode: string;

  @ApiProperty({ example: 'marketing', description: 'Pricing category: marketing, marketing_lite, utility, authentication, authentication_international, service, referral_conversion' })
  category: string;

  @ApiProperty({ example: '0.1131', description: `Price of one delivered message. ${MONEY_FORMAT}` })
  price: string;
}

export class RateCardDto {
  @ApiProperty({ example: "EXAMPLE figures, not your prices: set PRICING_RATE_CARD to your account's rate card" })
  name: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  currency: string;

  @ApiProperty({ example: true, description: 'true: PRICING_RATE_CARD is unset and the shipped example figures are in use' })
  example: boolean;

  @ApiProperty({ example: '/etc/wa-engine/rate-card.json', nullable: true, type: String, description: 'The file read; null for the built-in example' })
  path: string | null;

  @ApiProperty({ type: () => [RateCardLineDto], description: 'Lines as loaded, in file order; the longest matching callingCode wins, then "*"' })
  rates: RateCardLineDto[];
}
