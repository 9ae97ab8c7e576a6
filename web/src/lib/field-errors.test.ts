import { describe, expect, it } from 'vitest';
import { placeErrors } from './field-errors';

const FIELDS = ['name', 'channelId', 'listId', 'template', 'scheduledAt', 'sendWindow'] as const;

describe('placeErrors', () => {
  it.each([
    ['name should not be empty', { name: ['name should not be empty'] }, []],
    [
      'name must be shorter than or equal to 200 characters; sendWindow.start must match /^\\d\\d:\\d\\d$/',
      { name: ['name must be shorter than or equal to 200 characters'], sendWindow: ['sendWindow.start must match /^\\d\\d:\\d\\d$/'] },
      [],
    ],
    ['template.components.0.type must be one of …', { template: ['template.components.0.type must be one of …'] }, []],
    ['Template "spring_sale" (en) is not APPROVED', { template: ['Template "spring_sale" (en) is not APPROVED'] }, []],
    ['property foo should not exist', {}, ['property foo should not exist']],
  ])('%s', (message, byField, general) => {
    expect(placeErrors(message, FIELDS, { template: ['template'], scheduledAt: ['scheduledAt'] })).toEqual({ byField, general });
  });
});
