import fc from 'fast-check';
import { errorLine, StageChunk, stageLine } from './copy-text.js';

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

describe('StageChunk', () => {
  it('hands its rows over sorted by phone, the first of each phone only, and grows as needed', () => {
    const chunk = new StageChunk(undefined, 4);
    chunk.add('+4915100000002', '1\t+4915100000002\tMüller 😀\n');
    chunk.add('+4915100000001', '2\t+4915100000001\tfirst\n');
    chunk.add('+4915100000002', '3\t+4915100000002\tlater\n');
    chunk.add('+441234567890', '4\t+441234567890\tUK\n');
    chunk.add('+4915100000001', '5\t+4915100000001\tlater\n');
    expect(chunk.rows).toBe(5);
    const staged = chunk.sorted();
    expect(staged.bytes.toString('utf8')).toBe('4\t+441234567890\tUK\n2\t+4915100000001\tfirst\n1\t+4915100000002\tMüller 😀\n');
    expect([staged.rows, staged.duplicates]).toEqual([3, 2]);
  });

  it('starts empty again after a reset', () => {
    const chunk = new StageChunk(undefined, 4);
    chunk.add('+4915100000001', 'a\n');
    chunk.sorted();
    chunk.reset();
    expect(chunk.rows).toBe(0);
    chunk.add('+4915100000009', 'x\n');
    expect(chunk.sorted()).toMatchObject({ rows: 1, duplicates: 0 });
    expect(chunk.sorted().bytes.toString('utf8')).toBe('x\n');
  });

  it('keeps the first row of every phone whatever the order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('+1', '+2', '+30', '+3', '+4915'), { maxLength: 60 }), (phones) => {
        const chunk = new StageChunk(undefined, 8);
        phones.forEach((phone, line) => chunk.add(phone, `${line}\t${phone}\n`));
        const firstLines = new Map<string, number>();
        phones.forEach((phone, line) => firstLines.has(phone) || firstLines.set(phone, line));
        const expected = [...firstLines].sort(([a], [b]) => (a < b ? -1 : 1)).map(([phone, line]) => `${line}\t${phone}\n`);
        const staged = chunk.sorted();
        expect(staged.bytes.toString('utf8')).toBe(expected.join(''));
        expect(staged.rows + staged.duplicates).toBe(phones.length);
      }),
    );
  });
});
