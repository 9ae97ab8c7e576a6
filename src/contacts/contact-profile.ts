import { DomainError } from '../common/domain-error.js';
import type { ContactProfileChange } from './contacts.repository.js';
import type { UpdateContactBody } from './dto/contact.dto.js';

const ATTRIBUTE_KEY = /^[\p{L}\p{N}_]{1,64}$/u;
const MAX_ATTRIBUTE_VALUE = 1000;
const MAX_ATTRIBUTES = 100;

/** What a PATCH of a contact changes; a 400 naming the field for anything it cannot take. */
export function profileChange(contactId: string, body: UpdateContactBody): ContactProfileChange {
  const given = (['firstName', 'lastName', 'language', 'attributes'] as const).filter((field) => body[field] !== undefined);
  if (given.length === 0) throw new DomainError('invalid', 'Nothing to change: give firstName, lastName, language or attributes');
  const setAttributes: Record<string, string> = {};
  const removeAttributes: string[] = [];
  const attributes = body.attributes ?? {};
  const keys = Object.keys(attributes);
  if (keys.length > MAX_ATTRIBUTES) throw new DomainError('invalid', `attributes may hold at most ${MAX_ATTRIBUTES} keys per request (got ${keys.length})`);
  for (const key of keys) {
    if (!ATTRIBUTE_KEY.test(key)) throw new DomainError('invalid', `attributes: the key ${JSON.stringify(key.slice(0, 80))} must be 1-64 letters, digits or _`);
    const value = attributes[key];
    if (value === null) removeAttributes.push(key);
    else if (typeof value !== 'string') throw new DomainError('invalid', `attributes.${key} must be a string, or null to remove it`);
    else if (value.length > MAX_ATTRIBUTE_VALUE) throw new DomainError('invalid', `attributes.${key} must be at most ${MAX_ATTRIBUTE_VALUE} characters`);
    else setAttributes[key] = value;
  }
  // undefined keeps the stored value; null and '' clear it (the repository's rule: NULL keeps, '' clears).
  const field = (value: string | null | undefined): string | null => (value === undefined ? null : (value ?? '').trim());
  return {
    contactId,
    firstName: field(body.firstName),
    lastName: field(body.lastName),
    language: field(body.language),
    setAttributes: keys.length > 0 ? setAttributes : null,
    removeAttributes,
  };
}
