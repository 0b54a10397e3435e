import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRecords, type CsvRecord } from '../../src-main/import/csv-records';
import { readCsvTable } from '../../src-main/import/csv-table';
import type { FileInput } from '../../src-main/import/file-input';
import type { RowSink, StreamHeader } from '../../src-main/import/sink';

/** A file held in memory whose bytes arrive in the given chunks, as a disk read or a zip entry would deliver them. */
function chunkedFile(name: string, chunks: Buffer[]): FileInput {
  return { name, size: chunks.reduce((n, c) => n + c.length, 0), open: async () => Readable.from(chunks) };
}

function file(name: string, text: string | Buffer): FileInput {
  return chunkedFile(name, [Buffer.from(text)]);
}

async function records(input: FileInput, delimiter = ','): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of csvRecords(input, delimiter)) out.push(r);
  return out;
}

/** A sink that keeps what a reader hands it. */
function keepingSink() {
  const kept = {
    header: null as StreamHeader | null,
    rows: [] as number[][],
    texts: [] as string[],
    labels: [] as string[],
    progress: [] as (number | null)[],
  };
  const sink: RowSink = {
    start: (h) => (kept.header = h),
    features: (x, labels) => {
      const dim = x.length / labels.length;
      labels.forEach((_, i) => kept.rows.push(Array.from(x.subarray(i * dim, (i + 1) * dim))));
      kept.labels.push(...labels);
    },
    texts: (texts, labels) => {
      kept.texts.push(...texts);
      kept.labels.push(...labels);
    },
    warn: () => {},
    progress: (f) => kept.progress.push(f),
  };
  return { sink, kept };
}

// Quoted delimiters, doubled quotes, a CRLF and an LF inside quotes, a blank line, a two-byte character.
const TRICKY = 'text,label\r\n"one, two",a\r\n"say ""hi""\r\nthere",b\r\n\r\n"x\ny",é\r\nplain,c\r\n';
const TRICKY_RECORDS: CsvRecord[] = [
  { fields: ['text', 'label'], line: 1 },
  { fields: ['one, two', 'a'], line: 2 },
  { fields: ['say "hi"\r\nthere', 'b'], line: 3 },
  { fields: ['x\ny', 'é'], line: 6 },
  { fields: ['plain', 'c'], line: 8 },
];

// Every line ending in one file: CRLF, LF and a lone CR ending records, a blank CRLF line after an LF,
// and a CRLF and an LF inside quotes.
const MIXED = 'text,label\r\n"a\r\nb",x\n\r\nplain,y\r"c\nd",z\r\nlast,w\n';
const MIXED_RECORDS: CsvRecord[] = [
  { fields: ['text', 'label'], line: 1 },
  { fields: ['a\r\nb', 'x'], line: 2 },
  { fields: ['plain', 'y'], line: 5 },
  { fields: ['c\nd', 'z'], line: 6 },
  { fields: ['last', 'w'], line: 8 },
];

/** Reads the file whole, cut in two at every byte offset, and byte by byte, expecting the same records each time. */
async function expectRecordsWhereverCut(text: string, expected: CsvRecord[]): Promise<void> {
  const bytes = Buffer.from(text);
  expect(await records(file('t.csv', bytes))).toEqual(expected);
  for (let k = 0; k <= bytes.length; k++) {
    const split = await records(chunkedFile('t.csv', [bytes.subarray(0, k), bytes.subarray(k)]));
    expect(split, `cut at byte ${k}`).toEqual(expected);
  }
  const byteByByte = Array.from(bytes, (b) => Buffer.from([b]));
  expect(await records(chunkedFile('t.csv', byteByByte))).toEqual(expected);
}

describe('reading CSV records', () => {
  it('gives the same records and lines wherever the file is cut into chunks, even inside a quote, a CRLF or a character', async () => {
    await expectRecordsWhereverCut(TRICKY, TRICKY_RECORDS);
  });

  it('ends a record at every CRLF, LF or CR in a file that mixes them, wherever the file is cut into chunks', async () => {
    await expectRecordsWhereverCut(MIXED, MIXED_RECORDS);
  });

  it('reads a CRLF file with LF lines and an LF file with CRLF lines, leaving no stray CR', async () => {
    const expected: CsvRecord[] = [
      { fields: ['a', 'label'], line: 1 },
      { fields: ['1', 'x'], line: 2 },
      { fields: ['2', 'y'], line: 3 },
      { fields: ['3', 'z'], line: 4 },
    ];
    expect(await records(file('crlf-lf.csv', 'a,label\r\n1,x\n2,y\n3,z\r\n'))).toEqual(expected);
    expect(await records(file('lf-crlf.csv', 'a,label\n1,x\r\n2,y\r\n3,z\n'))).toEqual(expected);
    expect(await records(file('lf-crlf.csv', 'a,label\n1,x\r\n2,y\r\n3,z'))).toEqual(expected);
  });

  it('reads a lone-CR file with a quoted line break and a blank line', async () => {
    expect(await records(file('cr.csv', 'a,b\r"1\r2",x\r\r3,y\r'))).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1\r2', 'x'], line: 2 },
      { fields: ['3', 'y'], line: 5 },
    ]);
  });

  it('keeps a CRLF inside a quoted field of an LF file, counted as one line', async () => {
    expect(await records(file('lf.csv', 'text,label\n"one\r\ntwo",a\nthree,b\n'))).toEqual([
      { fields: ['text', 'label'], line: 1 },
      { fields: ['one\r\ntwo', 'a'], line: 2 },
      { fields: ['three', 'b'], line: 4 },
    ]);
  });

  it('reads CRLF and LF files alike, and counts a CRLF inside a quoted field as one line', async () => {
    const lf = await records(file('lf.csv', TRICKY.replace(/\r\n/g, '\n')));
    expect(lf.map((r) => r.line)).toEqual(TRICKY_RECORDS.map((r) => r.line));
    expect(lf[2].fields[0]).toBe('say "hi"\nthere');
    expect(await records(file('cr.csv', 'a,b\r1,2\r3,4'))).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ]);
  });

  it('drops a byte order mark at the start, so the first column keeps its name', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\tb\n1\t2\n')]);
    expect((await records(file('bom.tsv', withBom), '\t'))[0]).toEqual({ fields: ['a', 'b'], line: 1 });
  });

  it('skips empty trailing lines and a missing final line break', async () => {
    expect(await records(file('t.csv', 'a,b\n1,2\n\n\n'))).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
    ]);
    expect(await records(file('t.csv', 'a,b\n1,2'))).toHaveLength(2);
  });

  it('names the line a never-closed quote opens on, past earlier multi-line fields', async () => {
    await expect(records(file('open.csv', 'a,b\r\n"x\r\ny",1\r\n\r\n3,"open\r\n5,6\r\n'))).rejects.toThrow(
      'open.csv, line 5: a quoted field is never closed (field 2 opens with a " that has no closing ")',
    );
  });

  it('names the right line of a bad quote after lines ending in CRLF, LF and CR', async () => {
    await expect(records(file('open.csv', 'a,b\r\n"x\ny",1\n\r\n3,4\r5,"open\n6,7\r\n'))).rejects.toThrow(
      'open.csv, line 6: a quoted field is never closed (field 2 opens with a " that has no closing ")',
    );
    await expect(records(file('q.csv', 'a,b\r\n"x\r\ny",1\n2,3\r4,5"6\n'))).rejects.toThrow(/^q\.csv, line 5: a quote inside an unquoted field \(field 2\)/);
  });

  it('names the line and field of a stray quote and of text after a closing quote', async () => {
    await expect(records(file('q.csv', 'a,b,c\n1,2,3\n4,5"6,7\n'))).rejects.toThrow(/^q\.csv, line 3: a quote inside an unquoted field \(field 2\)/);
    await expect(records(file('q.csv', 'a,b\n"1"x,2\n'))).rejects.toThrow(/^q\.csv, line 2: text after a closing quote \(field 1\)/);
  });

  it('passes on invalid UTF-8 as an error naming the line', async () => {
    await expect(records(file('latin.csv', Buffer.from('a,b\nM\xfcller,1\n', 'latin1')))).rejects.toThrow(/latin\.csv is not valid UTF-8 text \(line 2\)/);
  });
});

describe('reading a CSV table', () => {
  it('refuses a ragged row naming its line, counted past a quoted line break', async () => {
    const { sink } = keepingSink();
    const input = file('ragged.csv', 'a,b,label\n1,2,x\n"3\n",4,y\n5,6\n');
    await expect(readCsvTable(input, ',', {}, sink)).rejects.toThrow('ragged.csv, line 5 has 2 fields; the header has 3');
  });

  it('reads a file mixing CRLF and LF lines, and names the line of a ragged row after them', async () => {
    const { sink, kept } = keepingSink();
    await readCsvTable(file('mixed.csv', 'a,label\r\n1,x\n2,y\r\n3,z\n'), ',', {}, sink);
    expect(kept.rows).toEqual([[1], [2], [3]]);
    expect(kept.labels).toEqual(['x', 'y', 'z']);
    const ragged = file('ragged.csv', 'a,b,label\r\n1,2,x\n"3\r\n",4,y\r5,6\r\n');
    await expect(readCsvTable(ragged, ',', {}, keepingSink().sink)).rejects.toThrow('ragged.csv, line 5 has 2 fields; the header has 3');
  });

  it('streams numeric rows with their labels and reports progress up to the whole file', async () => {
    const { sink, kept } = keepingSink();
    const text = `a,b,label\n${Array.from({ length: 500 }, (_, i) => `${i},${-i},${i % 3}`).join('\n')}\n`;
    const bytes = Buffer.from(text);
    await readCsvTable(chunkedFile('big.csv', [bytes.subarray(0, 1000), bytes.subarray(1000)]), ',', {}, sink);
    expect(kept.header).toMatchObject({ kind: 'tabular', format: 'csv', featureNames: ['a', 'b'], labelColumn: 'label' });
    expect(kept.rows).toHaveLength(500);
    expect(kept.rows[499]).toEqual([499, -499]);
    expect(kept.labels.slice(0, 4)).toEqual(['0', '1', '2', '0']);
    expect(kept.progress.at(-1)).toBe(1);
  });
});
