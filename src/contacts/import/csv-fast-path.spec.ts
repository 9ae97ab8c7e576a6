import { parse } from 'csv-parse/sync';
import { CsvRecordReader, lineBreaksIn } from './csv-records.js';
import { fastRecords } from './csv-fast-path.js';

/** csv-parse alone on the whole file, with the reader's options: what every file must read as. */
function csvParseAlone(bytes: Buffer, delimiter: string, maxRecordChars: number): { rows?: Array<[number, string[]]>; failed?: true } {
  try {
    const records = parse(bytes, {
      delimiter,
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: maxRecordChars,
    }) as string[][];
    let line = 1;
    return {
      rows: records.map((record) => {
        const row: [number, string[]] = [line, record];
        line += 1 + lineBreaksIn(record);
        return row;
      }),
    };
  } catch {
    return { failed: true };
  }
}

async function readInPieces(bytes: Buffer, delimiter: ',' | ';', maxRecordChars: number, pieceSize: number): Promise<{ rows?: Array<[number, string[]]>; failed?: true }> {
  const reader = new CsvRecordReader(delimiter, maxRecordChars);
  const rows: Array<[number, string[]]> = [];
  const collect = ({ lines, records }: { lines: number[]; records: string[][] }) => records.forEach((record, index) => rows.push([lines[index], record]));
  try {
    for (let offset = 0; offset < bytes.length; offset += pieceSize) collect(reader.push(bytes.subarray(offset, offset + pieceSize)));
    collect(await reader.end());
    return { rows };
  } catch {
    return { failed: true };
  }
}

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PIECES = ['a', 'b7', ' ', ',', ';', '"', '""', '\n', '\r\n', '\r', 'é', '😀', '"x,y"', '"q\nr"', '"s""t"', '+49 151', 'Łódź'];

describe('CsvRecordReader reads every file as csv-parse alone does', () => {
  it('on 3,000 random files, in pieces of every size, with and without a BOM and a small record limit', async () => {
    const next = random(18);
    for (let file = 0; file < 3000; file++) {
      let text = next() < 0.1 ? '\uFEFF' : '';
      const length = Math.floor(next() * 40);
      for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      const bytes = Buffer.from(text, 'utf8');
      const delimiter = next() < 0.8 ? ',' : ';';
      const limit = next() < 0.3 ? 12 : 1024;
      const expected = csvParseAlone(bytes, delimiter, limit);
      for (const pieceSize of [1, 2, 3, 5, 64]) {
        const actual = await readInPieces(bytes, delimiter, limit, pieceSize);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          throw new Error(`file ${JSON.stringify(text)} (delimiter ${delimiter}, limit ${limit}, pieces of ${pieceSize}): ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
        }
      }
    }
  });
});

describe('fastRecords', () => {
  it('splits plain, CRLF, quoted and empty records and leaves the incomplete one', () => {
    const text = 'a,b\r\n"x,""y""\nz",c\n\n"open';
    expect(fastRecords(text, ',', 1024)).toEqual({
      records: [['a', 'b'], ['x,"y"\nz', 'c'], ['']],
      breaks: [0, 1, 0],
      consumed: text.indexOf('"open'),
      bail: false,
    });
  });

  it('waits for the character after a closing quote or a \\r', () => {
    expect(fastRecords('"a"', ',', 1024)).toMatchObject({ records: [], consumed: 0, bail: false });
    expect(fastRecords('a\r', ',', 1024)).toMatchObject({ records: [], consumed: 0, bail: false });
  });

  it('leaves to csv-parse a stray quote, text after a closing quote and a record over a quarter of the limit', () => {
    expect(fastRecords('1,a\n1,5" screen\n', ',', 1024)).toMatchObject({ records: [['1', 'a']], consumed: 4, bail: true });
    expect(fastRecords('"a"b,c\n', ',', 1024)).toMatchObject({ records: [], consumed: 0, bail: true });
    expect(fastRecords(`1,${'x'.repeat(30)}\n`, ',', 100)).toMatchObject({ records: [], consumed: 0, bail: true });
  });
});
