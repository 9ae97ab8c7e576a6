import { Injectable, Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { EXAMPLE_RATE_CARD_JSON } from './example-rate-card.js';
import { parseRateCard, type RateCard, RateCardError } from './rate-card.js';
import { RatePlan } from './rate-plan.js';

/** Where the loaded card came from. */
export interface RateCardSource {
  /** true: PRICING_RATE_CARD is unset and the shipped example figures are in use. */
  example: boolean;
  /** The file read (absolute), or null for the built-in example. */
  path: string | null;
}

/** Reads PRICING_RATE_CARD (or the built-in example) once; throws RateCardError naming the file and the bad entry. */
export function loadRateCard(path: string | undefined): { card: RateCard; source: RateCardSource } {
  if (path === undefined) return { card: parseRateCard(EXAMPLE_RATE_CARD_JSON, 'built-in example'), source: { example: true, path: null } };
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new RateCardError(`PRICING_RATE_CARD names ${absolute}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): point it at a rate card JSON file, or unset it to use the example card`);
  }
  return { card: parseRateCard(text, `PRICING_RATE_CARD ${absolute}`), source: { example: false, path: absolute } };
}

/**
 * The rate card in use, loaded when the application is built: a card that cannot be read or is
 * malformed stops the engine at start (main.ts prints the message naming the bad entry).
 */
@Injectable()
export class RateCardService {
  private readonly logger = new Logger(RateCardService.name);
  readonly plan: RatePlan;
  readonly source: RateCardSource;

  constructor(config: AppConfig) {
    const loaded = loadRateCard(config.env.PRICING_RATE_CARD);
    this.plan = new RatePlan(loaded.card);
    this.source = loaded.source;
    if (loaded.source.example) {
      this.logger.warn('PRICING_RATE_CARD is unset: estimates and costs use the EXAMPLE rate card (README § Rate card)');
    }
  }

  get card(): RateCard {
    return this.plan.card;
  }
}
