import { CopyBuffer, errorLine, stageLine } from './copy-text.js';

describe('stageLine / errorLine', () => {
  it('writes one tab-separated line per contact in the staging column order (no wa_id: the merge derives it from the phone)', () => {
    expect(
      stageLine(7, {
        phone: '+4915123456789',
        waId: '4915123456789',
        country: 'DE',
        firstName: 'An\tna',
        lastName: null,
        language: 'de',
        attributesJson: '{"note":"a\\\\b"}',
        optedInAt: '2024-03-01T09:00:00.000Z',
        optInSource: null,
        optInProof: null,
      }),
    ).toBe('7\t+4915123456789\tDE\tAn\\tna\t\\N\tde\t{"note":"a\\\\\\\\b"}\t2024-03-01T09:00:00.000Z\t\\N\t\\N\n');
  });

  it('writes one line per reject', () => {
    expect(errorLine('id-1', 3, { reason: 'invalid phone number', value: '12\nab' })).toBe('id-1\t3\t12\\nab\tinvalid phone number\n');
  });
});

describe('CopyBuffer', () => {
  it('accumulates UTF-8 text, grows as needed and resets', () => {
    const buffer = new CopyBuffer(4);
    buffer.append('ab\n');
    buffer.append('Müller 😀\n');
    expect(buffer.rows).toBe(2);
    expect(buffer.bytes().toString('utf8')).toBe('ab\nMüller 😀\n');
    buffer.reset();
    expect(buffer.length).toBe(0);
    buffer.append('x');
    expect(buffer.bytes().toString('utf8')).toBe('x');
  });
});
