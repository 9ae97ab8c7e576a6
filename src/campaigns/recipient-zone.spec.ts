import { callingCodeZones, singleZone } from './recipient-zone.js';

describe('recipient zones from the number', () => {
  const byCode = new Map(callingCodeZones().map((entry) => [entry.callingCode, entry.zone]));

  it.each([
    ['49', 'Europe/Berlin'], // Germany: Berlin and Büsingen (Zurich) keep the same offsets
    ['33', 'Europe/Paris'],
    ['44', 'Europe/London'], // shared with GG, IM, JE: all London time
    ['91', 'Asia/Kolkata'],
    ['1', undefined], // US, Canada, …: many zones
    ['7', undefined], // Russia, Kazakhstan
    ['34', undefined], // Spain: the Canaries are an hour behind
    ['55', undefined], // Brazil
  ])('+%s → %s', (code, zone) => {
    expect(byCode.get(code)).toBe(zone);
  });

  it.each([
    [['Europe/Berlin', 'Europe/Zurich'], 'Europe/Berlin'],
    [['Europe/Madrid', 'Atlantic/Canary'], null],
    [[], null],
    [['Not/AZone'], null],
  ])('singleZone(%p) → %p', (zones, zone) => {
    expect(singleZone(zones)).toBe(zone);
  });

  it('no calling code is a prefix of another (so one join per number finds at most one)', () => {
    const codes = [...byCode.keys()];
    for (const a of codes) for (const b of codes) if (a !== b) expect(b.startsWith(a)).toBe(false);
  });
});
