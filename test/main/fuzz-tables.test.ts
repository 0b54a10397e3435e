import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import type { ImportOptions, TableDelimiter } from '../../src-shared/datasets';
import { importDatasetAt } from '../../src-main/import/dataset-import';
import { blobCsv, sentencesJsonl } from './dataset-fixtures';
import { applyEdits, edits, expectImportOutcome, FuzzTally, fuzzRuns, useFuzzLimits } from './fuzz-harness';
import { tempDataDir } from './helpers';
import { tempStores } from './import-helpers';

const CSV = join(__dirname, '..', 'fixtures', 'import', 'csv');
const TEXT = join(__dirname, '..', 'fixtures', 'import', 'text');
const store = tempStores();
const files = tempDataDir();
afterAll(files.remove);
useFuzzLimits();
const tally = new FuzzTally('fuzz-tables');

/** A store already holding one dataset, so a refused import can be seen to leave it as it was. */
async function storeWithIris() {
  const s = store();
  await importDatasetAt(s.db, join(CSV, 'iris.csv'), {}, 'data-ok');
  return s;
}

const delimiterOption: fc.Arbitrary<ImportOptions['delimiter']> = fc.constantFrom(undefined, 'auto', ',', ';', '\t', '|');

const TABLES: Record<string, Buffer> = {
  'iris.csv': readFileSync(join(CSV, 'iris.csv')),
  'table.tsv': readFileSync(join(CSV, 'table.tsv')),
  'reviews.csv': readFileSync(join(TEXT, 'reviews.csv')),
  'blobs.csv': Buffer.from(blobCsv(['a', 'b', 'c'], { perClass: 4, features: 3, seed: 5 })),
  'semicolon.csv': Buffer.from('\uFEFFf1;f2;label\r\n1,5;2;x\r\n"3";4,25;y\r\n5;6;x\r\n7;8,5;y\r\n'),
  'pipes.txt': Buffer.from('a|b|label\n1|2|x\n3|4|y\n5|6|x\n'),
};
const JSONL: Record<string, Buffer> = {
  'reviews.jsonl': readFileSync(join(TEXT, 'reviews.jsonl')),
  'sentences.jsonl': Buffer.from(sentencesJsonl({ pos: ['good', 'fine', 'great'], neg: ['bad', 'dull', 'poor'] }, { perClass: 3, seed: 2 })),
};

/** Text that matters to CSV: delimiters, quotes, line ends, a BOM, non-finite numbers, decimal commas. */
const noise = fc.oneof(
  fc.constantFrom('', ' ', 'NaN', '-Infinity', '1,5', '1e999', 'a b c d', '0x10'),
  fc.double({ noNaN: false }).map(String),
  fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '\t', '|', '"', '\n', '\r', 'é', '\uFEFF'), maxLength: 8 }),
);

/** A cell: a number for a feature column, a class for the label column, now and then replaced by noise; quoted or not. */
const cell = fc.record({
  value: fc.integer({ min: -50, max: 50 }),
  label: fc.constantFrom('x', 'y', 'z'),
  noise: fc.oneof({ arbitrary: fc.constant(null), weight: 40 }, { arbitrary: noise, weight: 1 }),
  quoted: fc.boolean(),
});

/** A generated table: a header and rows (ragged sometimes), joined by a delimiter and line ends of any kind, with or without a BOM. */
const generatedTable = fc
  .record({
    delimiter: fc.constantFrom<TableDelimiter>(',', ';', '\t', '|'),
    columns: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
    ragged: fc.boolean(),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
  })
  .map(({ delimiter, columns, rows, ragged, lineEnd, bom }) => {
    const header = Array.from({ length: columns }, (_, i) => (i === columns - 1 ? 'label' : `f${i}`));
    const line = (r: { value: number; label: string; noise: string | null; quoted: boolean }[]) =>
      (ragged ? r : Array.from({ length: columns }, (_, i) => r[i % r.length]))
        .map((c, i, all) => {
          const text = c.noise ?? (i === all.length - 1 ? c.label : String(c.value / 10));
          return c.quoted ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join(delimiter);
    return { delimiter, text: `${bom ? '\uFEFF' : ''}${[header.join(delimiter), ...rows.map(line)].join(lineEnd)}${lineEnd}` };
  });

describe('fuzzed table imports end in a refusal or a valid dataset', () => {
  it('CSV/TSV fixtures truncated, bit-flipped, overwritten and given stray delimiters, quotes and invalid UTF-8', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(TABLES)), edits(), delimiterOption, async (name, list, delimiter) => {
        const path = join(files.dir, name);
        writeFileSync(path, applyEdits(TABLES[name], list));
        await expectImportOutcome(db, path, { delimiter }, tally, 'csv');
      }),
      fuzzRuns(1500),
    );
  });

  it('generated tables of any delimiter, quoting, line ends and raggedness, read with any delimiter choice', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(
        generatedTable,
        fc.constantFrom('detect', 'detect', 'same', 'same', 'other'),
        delimiterOption,
        fc.constantFrom('gen.csv', 'gen.tsv', 'gen.txt'),
        async ({ text, delimiter: written }, choice, other, name) => {
          const path = join(files.dir, name);
          writeFileSync(path, text);
          const delimiter = choice === 'detect' ? undefined : choice === 'same' ? written : other;
          await expectImportOutcome(db, path, { delimiter }, tally, 'generated table');
        },
      ),
      fuzzRuns(1500),
    );
  });

  it('JSONL fixtures mutated byte by byte', async () => {
    const { db } = await storeWithIris();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(JSONL)), edits(), async (name, list) => {
        const path = join(files.dir, name);
        writeFileSync(path, applyEdits(JSONL[name], list));
        await expectImportOutcome(db, path, {}, tally, 'jsonl');
      }),
      fuzzRuns(1500),
    );
  });

  it('JSONL lines whose values are any JSON (objects, arrays, numbers, nulls, huge strings)', async () => {
    const { db } = await storeWithIris();
    const line = fc.oneof(
      fc.record({ text: fc.jsonValue({ maxDepth: 2 }), label: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.record({ text: fc.string({ maxLength: 30 }), label: fc.constantFrom('a', 'b', 1, 2, true, '') }).map((o) => JSON.stringify(o)),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? ''),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), async (lines) => {
        const path = join(files.dir, 'values.jsonl');
        writeFileSync(path, lines.join('\n'));
        await expectImportOutcome(db, path, {}, tally, 'jsonl values');
      }),
      fuzzRuns(1000),
    );
  });
});
