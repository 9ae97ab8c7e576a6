import { Global, Module } from '@nestjs/common';
import { PricingController } from './pricing.controller.js';
import { RateCardService } from './rate-card.service.js';

/** The rate card, loaded at start, for the estimate, the report's cost, the CSV and the cost metric. */
@Global()
@Module({ controllers: [PricingController], providers: [RateCardService], exports: [RateCardService] })
export class PricingModule {}
