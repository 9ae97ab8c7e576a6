import { describe, expect, it } from 'vitest';
import { attributeChanges } from './contact-edit';

describe('attributeChanges', () => {
  const current = { city: 'Berlin', plan: 'gold' };
  it.each([
    ['city=Berlin\nplan=gold', {}],
    ['city=Hamburg\nplan=gold', { city: 'Hamburg' }],
    ['city=Berlin', { plan: null }],
    ['city = Berlin \nplan=gold\n\nvip=yes', { vip: 'yes' }],
    ['city=a=b\nplan=gold', { city: 'a=b' }],
    ['', { city: null, plan: null }],
  ])('%j', (text, changes) => expect(attributeChanges(current, text)).toEqual({ changes }));

  it('names a line whose key is not one', () => {
    expect(attributeChanges(current, 'city=Berlin\nmy key=1')).toEqual({ error: expect.stringContaining('line 2') });
  });
});
