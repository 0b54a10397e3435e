import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDatasetRecords } from '../../src-main/db/datasets';
import { importDatasetAt, previewDatasetAt } from '../../src-main/import/dataset-import';
import { loadStoredDataset, loadStoredTextDataset } from '../../src-main/store-read/stored-datasets';
import { datasetTableCounts, tempStores } from './import-helpers';

const CSV = join(__dirname, '..', 'fixtures', 'import', 'csv');
const TEXT = join(__dirname, '..', 'fixtures', 'import', 'text');
const store = tempStores();

describe('importing CSV/TSV tables', () => {
  it('reads RFC 4180 quoting and CRLF, maps string labels to sorted classes and splits every class seeded', async () => {
    const preview = await previewDatasetAt(join(CSV, 'iris.csv'), {});
    expect(preview).toMatchObject({ format: 'csv', kind: 'tabular', n: 10, shape: [1, 3, 1], labelColumn: 'species' });
    expect(preview.featureNames).toEqual(['sepal length', 'sepal width', 'petal, length']);
    expect(preview.classes).toEqual([
      { label: 'setosa', count: 4 },
      { label: 'versicolor', count: 3 },
      { label: 'virginica', count: 3 },
    ]);
    expect(preview.sampleRows[0]).toEqual(['5.1', '3.5', '1.4', 'setosa']);
    expect(preview.split).toMatchObject({ train: 7, eval: 3, seed: 0, stratified: true });

    const { db } = store();
    const record = await importDatasetAt(db, join(CSV, 'iris.csv'), { splitSeed: 3 }, 'data-1');
    expect(record).toMatchObject({ name: 'iris', kind: 'tabular', n: 10 });
    const data = loadStoredDataset(db, 'data-1');
    expect(Array.from(data.x.slice(0, 3))).toEqual([5.1, 3.5, 1.4].map(Math.fround));
    expect(Array.from(data.y)).toEqual([0, 0, 1, 1, 2, 2, 0, 1, 2, 0]);
    expect(data.classes).toEqual([0, 1, 2]);
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(data.splits.train.length + data.splits.eval.length).toBe(10);
    // Stratified: one of every class is held out.
    expect(Array.from(data.splits.eval, (i) => data.y[i]).sort()).toEqual([0, 1, 2]);
    expect(data.featureNames).toEqual(['sepal length', 'sepal width', 'petal, length']);
    const again = await importDatasetAt(db, join(CSV, 'iris.csv'), { splitSeed: 3 }, 'data-2');
    expect(again.name).toBe('iris (2)');
    expect(Array.from(loadStoredDataset(db, 'data-2').splits.eval)).toEqual(Array.from(data.splits.eval));
  });

  it('detects a TSV by content, and with another label column chosen says which text column looks like the label', async () => {
    const preview = await previewDatasetAt(join(CSV, 'table.tsv'), {});
    expect(preview).toMatchObject({ format: 'tsv', labelColumn: 'label', featureNames: ['a', 'b'], n: 2 });
    await expect(previewDatasetAt(join(CSV, 'table.tsv'), { labelColumn: 'a' })).rejects.toThrow(
      "table.tsv, line 2, column 'label': 'x' is not a number; features must be numeric (is 'label' the label column?)",
    );
  });

  const bad: [string, RegExp][] = [
    ['ragged.csv', /ragged\.csv, line 3 has 2 fields; the header has 3/],
    ['bad-quote.csv', /bad-quote\.csv, line 3: a quote inside an unquoted field/],
    ['unclosed-quote.csv', /unclosed-quote\.csv, line 3: a quoted field is never closed/],
    ['non-numeric.csv', /non-numeric\.csv, line 3, column 'b': 'four' is not a number/],
    ['missing-label.csv', /missing-label\.csv, line 3: no label in column 'label'/],
    ['single-class.csv', /single-class\.csv: every sample has the label 'x' in column 'label'; a classifier needs at least two classes/],
    ['nan.csv', /nan\.csv, line 3, column 'b': NaN is not a finite number/],
    ['inf.csv', /inf\.csv, line 3, column 'b': Infinity is not a finite number/],
    ['empty.csv', /empty\.csv is empty/],
    ['latin1.csv', /latin1\.csv is not valid UTF-8 text \(line 2\)/],
    ['really-a-png.csv', /really-a-png\.csv is a PNG image by its content, not text as its extension says/],
  ];
  for (const [file, message] of bad) {
    it(`refuses ${file} with a message naming the problem, and leaves the store unchanged`, async () => {
      const { db } = store();
      await importDatasetAt(db, join(CSV, 'iris.csv'), {}, 'data-ok');
      const before = datasetTableCounts(db);
      await expect(importDatasetAt(db, join(CSV, file), {}, 'data-bad')).rejects.toThrow(message);
      expect(datasetTableCounts(db)).toEqual(before);
      expect(listDatasetRecords(db).map((d) => d.id)).toEqual(['data-ok']);
    });
  }

  it('names the columns there are when the chosen label column does not exist', async () => {
    await expect(previewDatasetAt(join(CSV, 'iris.csv'), { labelColumn: 'kind' })).rejects.toThrow(
      "iris.csv has no column 'kind' for the label; its columns are 'sepal length', 'sepal width', 'petal, length', 'species'",
    );
  });
});

describe('importing text classification', () => {
  it('reads JSONL with text and label keys and stores the raw text', async () => {
    const { db } = store();
    const preview = await previewDatasetAt(join(TEXT, 'reviews.jsonl'), {});
    expect(preview).toMatchObject({ format: 'jsonl', kind: 'text', n: 4, textColumn: 'text', labelColumn: 'label', shape: [] });
    expect(preview.sampleTexts[1]).toEqual({ label: 'neg', text: 'Dull and far too long.' });
    await importDatasetAt(db, join(TEXT, 'reviews.jsonl'), {}, 'data-1');
    const text = loadStoredTextDataset(db, 'data-1');
    expect(text.texts[0]).toBe('A wonderful, moving film.');
    expect(text.classNames).toEqual(['neg', 'pos']);
    expect(Array.from(text.y)).toEqual([1, 0, 1, 0]);
    expect(() => loadStoredDataset(db, 'data-1')).toThrow(/is a text dataset: load it with loadStoredTextDataset/);
  });

  it('recognises a CSV of texts (quoted commas, doubled quotes, line breaks inside quotes) as text classification', async () => {
    const { db } = store();
    const preview = await previewDatasetAt(join(TEXT, 'reviews.csv'), {});
    expect(preview).toMatchObject({ format: 'text-csv', kind: 'text', n: 4, textColumn: 'review', labelColumn: 'sentiment' });
    expect(preview.warnings.join(' ')).toMatch(/the other 1 columns are ignored/);
    await importDatasetAt(db, join(TEXT, 'reviews.csv'), {}, 'data-1');
    expect(loadStoredTextDataset(db, 'data-1').texts.slice(1, 3)).toEqual(['Dull and "far" too long.', 'I would watch it again.\nTwice, even.']);
  });

  it('refuses a JSONL line that is not JSON, naming the line', async () => {
    const { db } = store();
    await expect(importDatasetAt(db, join(TEXT, 'broken.jsonl'), {}, 'data-1')).rejects.toThrow(/broken\.jsonl, line 2: not valid JSON/);
    expect(datasetTableCounts(db)).toEqual({ datasets: 0, chunks: 0, texts: 0 });
  });
});
