import { configSchema } from '../config/config.schema.js';
import { createOptOutMatcher, normalizeKeyword } from './opt-out-keywords.js';

describe('opt-out keywords', () => {
  const defaults = configSchema.parse({}).OPT_OUT_KEYWORDS;
  const matcher = createOptOutMatcher(defaults);

  it.each<[string, string | null]>([
    ['STOP', 'STOP'],
    ['stop', 'STOP'],
    ['  Stop  ', 'STOP'],
    ['Stop!', 'STOP'],
    ['stop.', 'STOP'],
    ['"STOP"', 'STOP'],
    ['STOP 🛑', 'STOP'],
    ['ＳＴＯＰ', 'STOP'], // full-width forms
    ['stopp', 'STOPP'],
    ['Alto', 'ALTO'],
    ['ARRÊT', 'ARRET'],
    ['arrêt', 'ARRET'],
    ['Arrêter', 'ARRETER'],
    ['désabonner', 'DESABONNER'],
    ['aufhören', 'AUFHOREN'],
    ['Abmelden', 'ABMELDEN'],
    ['unsubscribe', 'UNSUBSCRIBE'],
    ['UnSubScribe\n', 'UNSUBSCRIBE'],
    ['Opt-out', 'OPT OUT'],
    ['opt out', 'OPT OUT'],
    ['optout', 'OPT OUT'],
    ['stop all', 'STOP ALL'],
    ['baja', 'BAJA'],
    ['Cancelar', 'CANCELAR'],
    // not opt-outs: extra words, other words, empty
    ['stop sending me this at night please', null],
    ['please stop', null],
    ['Stopwatch', null],
    ['Hello', null],
    ['Thanks, see you', null],
    ['', null],
    ['!!!', null],
  ])('%p → %p', (text, expected) => {
    expect(matcher.match(text)).toBe(expected);
  });

  it('ignores undefined text and very long messages', () => {
    expect(matcher.match(undefined)).toBeNull();
    expect(matcher.match(`STOP${' '.repeat(200)}`)).toBeNull();
  });

  it('uses the configured keywords only', () => {
    const custom = createOptOutMatcher(['Basta', 'Hör auf']);
    expect(custom.match('BASTA!')).toBe('Basta');
    expect(custom.match('hor auf')).toBe('Hör auf');
    expect(custom.match('STOP')).toBeNull();
  });

  it.each([
    ['Arrêt', 'ARRET'],
    ['Ñ', 'N'],
    ['İptal', 'IPTAL'],
    ['opt-out!', 'OPTOUT'],
  ])('normalizes %p to %p', (text, normalized) => {
    expect(normalizeKeyword(text)).toBe(normalized);
  });
});
