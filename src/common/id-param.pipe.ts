import type { PipeTransform } from '@nestjs/common';
import { DomainError } from './domain-error.js';
import { bigintId, isUuid } from './ids.js';

/**
 * A path id checked before any query runs: 400 naming the parameter and the form it takes, instead of
 * a 404 that hides a typo (or a 500 from PostgreSQL). The checks are common/ids.ts's.
 */
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(
    private readonly parameter: string,
    private readonly what: string,
    private readonly kind: 'uuid' | 'bigint',
  ) {}

  transform(value: string): string {
    const ok = this.kind === 'uuid' ? isUuid(value) : bigintId(value) !== null;
    if (ok) return value;
    const form = this.kind === 'uuid' ? 'a UUID such as 3f0c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' : 'a whole number such as 42';
    throw new DomainError('invalid', `${this.parameter} "${String(value).slice(0, 60)}" is not ${this.what} id: it must be ${form}`);
  }
}

export const campaignIdParam = new IdParamPipe('id', 'a campaign', 'uuid');
export const listIdParam = new IdParamPipe('id', 'a list', 'uuid');
export const importIdParam = new IdParamPipe('id', 'an import', 'uuid');
export const contactIdParam = new IdParamPipe('id', 'a contact', 'bigint');
