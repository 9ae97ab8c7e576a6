import { DomainError } from '../common/domain-error.js';
import { profileChange } from './contact-profile.js';

describe('profileChange (PATCH /v1/contacts/:id)', () => {
  it.each([
    [{ firstName: ' Maria ' }, { firstName: 'Maria', lastName: null, language: null, setAttributes: null, removeAttributes: [] }],
    [{ lastName: null }, { firstName: null, lastName: '', language: null, setAttributes: null, removeAttributes: [] }],
    [{ language: 'pt-BR' }, { firstName: null, lastName: null, language: 'pt-BR', setAttributes: null, removeAttributes: [] }],
    [{ attributes: { plan: 'gold', old: null } }, { firstName: null, lastName: null, language: null, setAttributes: { plan: 'gold' }, removeAttributes: ['old'] }],
  ])('%j → %j', (body, expected) => {
    expect(profileChange('7', body)).toEqual({ contactId: '7', ...expected });
  });

  it.each([
    [{}, /^Nothing to change/],
    [{ attributes: { 'bad key': 'x' } }, /^attributes: the key "bad key" must be 1-64 letters, digits or _$/],
    [{ attributes: { plan: 5 } }, /^attributes\.plan must be a string, or null to remove it$/],
    [{ attributes: { plan: 'x'.repeat(1001) } }, /^attributes\.plan must be at most 1000 characters$/],
    [{ attributes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) }, /^attributes may hold at most 100 keys/],
  ])('refuses %j', (body, message) => {
    expect(() => profileChange('7', body as never)).toThrow(DomainError);
    expect(() => profileChange('7', body as never)).toThrow(message);
  });
});
