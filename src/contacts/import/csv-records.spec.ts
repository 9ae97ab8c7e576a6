import { CsvFileError, CsvRecordReader, lineBreaksIn, Utf8Guard } from './csv-records.js';

async function readAll(content: string | Buffer, delimiter: ',' | ';' | '\t' = ',', pieceSize = 7): Promise<Array<[number, string[]]>> {
  const reader = new CsvRecordReader(delimiter);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const out: Array<[number, string[]]> = [];
  const collect = ({ lines, records }: { lines: number[]; records: string[][] }) => records.forEach((record, index) => out.push([lines[index], record]));
  for (let offset = 0; offset < bytes.length; offset += pieceSize) collect(reader.push(bytes.subarray(offset, offset + pieceSize)));
  collect(await reader.end());
  return out;
}

describe('CsvRecordReader: the physical line each record starts on', () => {
  it.each([
    ['LF', 'phone,note\n1,a\n2,b\n', [1, 2, 3]],
    ['CRLF', 'phone,note\r\n1,a\r\n2,b\r\n', [1, 2, 3]],
    ['CR', 'phone,note\r1,a\r2,b\r', [1, 2, 3]],
    ['no final newline', 'phone,note\n1,a\n2,b', [1, 2, 3]],
    ['quoted LF', 'phone,note\n1,"a\nb"\n2,c\n', [1, 2, 4]],
    ['quoted CRLF', 'phone,note\r\n1,"a\r\nb"\r\n2,c\r\n', [1, 2, 4]],
    ['quoted CRLF twice', 'phone,note\r\n1,"a\r\nb\r\nc"\r\n2,c\r\n', [1, 2, 5]],
    ['two quoted fields with newlines', 'phone,a,b\n1,"x\ny","z\nw"\n2,c,d\n', [1, 2, 5]],
    ['quoted newline in the header', '"phone","the\nnote"\n1,a\n', [1, 3]],
    ['empty lines', 'phone\n\n1\n\n\n2\n', [1, 2, 3, 4, 5, 6]],
    ['CRLF empty lines', 'phone\r\n\r\n1\r\n\r\n2\r\n', [1, 2, 3, 4, 5]],
    ['CRLF header, LF rows', 'phone,note\r\n1,a\n2,b\n', [1, 2, 3]],
    ['LF header, CRLF rows', 'phone,note\n1,a\r\n2,"b, c"\r\n', [1, 2, 3]],
    ['CR, LF and CRLF mixed', 'phone,note\r1,a\n2,b\r\n3,c\r', [1, 2, 3, 4]],
  ])('%s', async (_name, content, lines) => {
    expect((await readAll(content)).map(([line]) => line)).toEqual(lines);
  });

  it.each([
    ['CRLF header, LF rows', 'phone,note\r\n1,a\n2,b\n'],
    ['LF header, CRLF rows', 'phone,note\n1,a\r\n2,b\r\n'],
    ['CR header, CRLF rows', 'phone,note\r1,a\r\n2,b\r\n'],
  ])('splits records at every kind of line end, whatever the first line used (%s)', async (_name, content) => {
    for (const size of [1, 2, 3, 7, 1024]) {
      expect((await readAll(content, ',', size)).map(([, cells]) => cells)).toEqual([['phone', 'note'], ['1', 'a'], ['2', 'b']]);
    }
  });

  it('gives the same lines whatever the piece boundaries', async () => {
    const content = 'phone;note\r\n1;"a\r\nb;c"\r\n\r\n"2";"d""e"\r\n3;f\r\n';
    const expected = await readAll(content, ';', 1024);
    expect(expected.map(([line]) => line)).toEqual([1, 2, 4, 5, 6]);
    for (const size of [1, 2, 3, 5, 11]) expect(await readAll(content, ';', size)).toEqual(expected);
  });

  it('strips a BOM and keeps quoted delimiters, quotes and newlines in the cells', async () => {
    const rows = await readAll('\uFEFFphone\tnote\n1\t"tab\there ""quoted"" and\nnewline"\n', '\t');
    expect(rows).toEqual([
      [1, ['phone', 'note']],
      [2, ['1', 'tab\there "quoted" and\nnewline']],
    ]);
  });

  it('keeps short and long rows (relax_column_count): rejecting them is the caller’s job', async () => {
    expect((await readAll('a,b\n1\n1,2,3\n')).map(([, cells]) => cells.length)).toEqual([2, 1, 3]);
  });

  it('tolerates a stray quote inside an unquoted field (relax_quotes)', async () => {
    expect(await readAll('phone,size\n1,5" screen\n')).toEqual([
      [1, ['phone', 'size']],
      [2, ['1', '5" screen']],
    ]);
  });

  it('fails on a quote that is never closed, naming the line where its record starts', async () => {
    const content = 'phone,note\n1,a\n2,"open\n3,b\n4,c\n';
    await expect(readAll(content)).rejects.toThrow(new CsvFileError('line 3: a quoted field starts here and its closing quote never comes', 3));
  });

  it('fails on a record over the size limit', async () => {
    const reader = new CsvRecordReader(',', 100);
    const content = Buffer.from(`phone,note\n1,"${'x'.repeat(300)}"\n`);
    await expect(
      (async () => {
        reader.push(content);
        await reader.end();
      })(),
    ).rejects.toThrow(/^line 2: the row is longer than/);
  });

  it('fails on bytes that are not UTF-8, naming the line', async () => {
    const content = Buffer.concat([Buffer.from('phone,name\n1,Anna\n2,M'), Buffer.from([0xfc]), Buffer.from('ller\n3,Ben\n')]);
    await expect(readAll(content)).rejects.toThrow(/^line 3: the file is not UTF-8 text/);
  });

  it('accepts multi-byte characters cut at any piece boundary', async () => {
    const content = 'phone,name\n1,Jürgen 😀 Łódź\n';
    for (const size of [1, 2, 3, 4, 5]) expect((await readAll(content, ',', size))[1]).toEqual([2, ['1', 'Jürgen 😀 Łódź']]);
  });
});

describe('lineBreaksIn', () => {
  it.each([
    [['a', 'b'], 0],
    [['a\nb'], 1],
    [['a\r\nb'], 1],
    [['a\rb'], 1],
    [['a\n\nb', 'c\r\nd'], 3],
    [['\r\n\r\n'], 2],
  ])('%j → %d', (cells, breaks) => {
    expect(lineBreaksIn(cells)).toBe(breaks);
  });
});

describe('Utf8Guard', () => {
  const euro = Buffer.from('€', 'utf8'); // e2 82 ac
  it.each([
    ['whole', [Buffer.from('abc€')], true],
    ['cut after the lead byte', [Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]), euro.subarray(1)], true],
    ['cut byte by byte', [euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)], true],
    ['Latin-1 ü', [Buffer.from([0x4d, 0xfc, 0x6c])], false],
    ['a bad continuation after a cut', [euro.subarray(0, 1), Buffer.from('abc')], false],
  ])('%s', (_name, pieces, valid) => {
    const guard = new Utf8Guard();
    const results = pieces.map((piece) => guard.check(piece));
    expect(results.every(Boolean) && guard.end()).toBe(valid);
  });

  it('refuses a file ending in the middle of a character', () => {
    const guard = new Utf8Guard();
    expect(guard.check(euro.subarray(0, 2))).toBe(true);
    expect(guard.end()).toBe(false);
  });
});
