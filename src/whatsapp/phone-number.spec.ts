import { createdPartnerKey, findPartnerKey, partnerKeysFrom, phoneNumberFrom, samePhoneNumber } from './phone-number.js';

describe('phoneNumberFrom', () => {
  it.each([
    [{ phone_number: '4930123456' }, '4930123456'],
    [{ phone_number: '+49 30 123456' }, '4930123456'],
    [{ phone_number: 4930123456 }, '4930123456'],
    [{ phone_number: '' }, null],
    [{ number: '4930123456' }, null],
    [null, null],
    ['4930123456', null],
  ])('%j → %s', (body, expected) => {
    expect(phoneNumberFrom(body)).toBe(expected);
  });
});

describe('samePhoneNumber', () => {
  it.each([
    ['+4930123456', '4930123456', true],
    ['+49 30 123456', '+4930123456', true],
    ['+4930123456', '+4930123457', false],
    ['', '', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(samePhoneNumber(a, b)).toBe(expected);
  });
});

describe('Partner API key listings', () => {
  const listed = partnerKeysFrom({
    api_keys: [
      { id: 'k1', api_key: '********abcd', address: 'https://waba-v2.360dialog.io' },
      { id: 'k2', api_key: '********wxyz' },
      { id: 3, api_key: 'full-key-value-0003' },
      { id: 'broken' },
      'nonsense',
    ],
  });

  it('keeps well-formed entries only', () => {
    expect(listed.map((key) => key.id)).toEqual(['k1', 'k2', '3']);
  });

  it.each([
    ['a key shown in full', 'full-key-value-0003', undefined, '3'],
    ['a masked key by its last 4', 'secret-abcd', undefined, 'k1'],
    ['the new key is never taken for the old one', 'secret-abcd', 'k1', null],
    ['no entry ends that way', 'secret-0000', undefined, null],
  ])('%s', (_, apiKey, exceptId, expected) => {
    expect(findPartnerKey(listed, apiKey, exceptId)?.id ?? null).toBe(expected);
  });

  it('two masked entries with the same last 4 cannot be told apart', () => {
    expect(findPartnerKey([...listed, { id: 'k9', api_key: '****abcd' }], 'secret-abcd')).toBeNull();
  });

  it.each([
    [{ id: 'n1', api_key: 'new-key', address: 'https://waba-v2.360dialog.io' }, 'n1'],
    [{ api_keys: [{ id: 'n2', api_key: 'new-key' }] }, 'n2'],
    [{ api_keys: [] }, null],
    [{}, null],
  ])('created key from %j → %s', (body, expected) => {
    expect(createdPartnerKey(body)?.id ?? null).toBe(expected);
  });
});
