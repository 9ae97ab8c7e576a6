import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXAMPLE_RATE_CARD_JSON } from './example-rate-card.js';
import { parseRateCard } from './rate-card.js';
import { loadRateCard } from './rate-card.service.js';

describe('the example rate card', () => {
  it('is the file shipped at the repository root, and valid', () => {
    const shipped = readFileSync(resolve(process.cwd(), 'rate-card.example.json'), 'utf8');
    expect(JSON.parse(shipped)).toEqual(JSON.parse(EXAMPLE_RATE_CARD_JSON));
    expect(parseRateCard(shipped, 'rate-card.example.json').name).toMatch(/^EXAMPLE figures, not your prices/);
  });

  it('is what an unset PRICING_RATE_CARD loads, marked as the example', () => {
    const loaded = loadRateCard(undefined);
    expect(loaded.source).toEqual({ example: true, path: null });
    expect(loaded.card.rates.length).toBeGreaterThan(10);
  });

  it('a PRICING_RATE_CARD that cannot be read is refused by name', () => {
    expect(() => loadRateCard('/nonexistent/card.json')).toThrow(/PRICING_RATE_CARD names \/nonexistent\/card\.json, which cannot be read \(ENOENT\)/);
  });
});
