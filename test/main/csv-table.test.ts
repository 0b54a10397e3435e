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

describe('reading CSV records', () => {
  it('gives the same records and lines wherever the file is cut into chunks, even inside a quote, a CRLF or a character', async () => {
    const bytes = Buffer.from(TRICKY);
    expect(await records(file('t.csv', bytes))).toEqual(TRICKY_RECORDS);
    for (let k = 0; k <= bytes.length; k++) {
      const split = await records(chunkedFile('t.csv', [bytes.subarray(0, k), bytes.subarray(k)]));
      expect(split, `cut at byte ${k}`).toEqual(TRICKY_RECORDS);
    }
    const byteByByte = Array.from(bytes, (b) => Buffer.from([b]));
    expect(await records(chunkedFile('t.csv', byteByByte))).toEqual(TRICKY_RECORDS);
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
