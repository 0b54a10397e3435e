import { datasetChunks, datasetLabels, datasetTexts, getDatasetRecord, type DatasetRecord } from '../db/datasets';
import type { Db } from '../db/types';
import type { Dataset } from '../engine/data/dataset';
import { builtinDataset, type TextRows } from './builtin-datasets';
import { ImportError } from './import-error';

/** Row indices of the stored train/eval split. */
export interface DatasetSplits {
  train: Int32Array;
  eval: Int32Array;
}

/**
 * A stored image or tabular dataset in the engine's shape. `classes` holds each class's numeric
 * label when every label is a number, else the class indices 0..k-1 (the names are in `classNames`).
 * Tabular rows have shape [1, features, 1], stored unscaled, with their column names in `featureNames`.
 */
export interface StoredDataset extends Dataset {
  id: string;
  kind: 'images' | 'tabular';
  classNames: string[];
  splits: DatasetSplits;
  /** Tables: the name of each feature column; null for images. */
  featureNames: string[] | null;
}

/** A stored text dataset: raw texts, labels (-1 where a corpus has none) and the split. */
export interface StoredTextDataset extends TextRows {
  id: string;
  name: string;
  n: number;
  splits: DatasetSplits;
}

function splitsOf(split: Uint8Array): DatasetSplits {
  const train: number[] = [];
  const evalRows: number[] = [];
  split.forEach((s, i) => (s ? evalRows : train).push(i));
  return { train: Int32Array.from(train), eval: Int32Array.from(evalRows) };
}

function requireRecord(db: Db, id: string): DatasetRecord {
  const record = getDatasetRecord(db, id);
  if (!record) throw new ImportError(`No dataset with id '${id}'`);
  return record;
}

/** Loads a stored (or built-in) image or tabular dataset with its split, for the engine. Text datasets: use loadStoredTextDataset. */
export function loadStoredDataset(db: Db, id: string): StoredDataset {
  const builtin = builtinDataset(id);
  if (builtin?.features) {
    const data = builtin.features();
    return { ...data, id, kind: 'images', classNames: data.classes.map(String), splits: splitsOf(builtin.split), featureNames: null };
  }
  if (builtin) throw new ImportError(`'${builtin.summary.name}' is a text dataset: load it with loadStoredTextDataset`);
  const record = requireRecord(db, id);
  if (record.kind === 'text') throw new ImportError(`'${record.name}' is a text dataset: load it with loadStoredTextDataset`);
  const [h, w, c] = record.shape;
  const dim = h * w * c;
  const x = new Float32Array(record.n * dim);
  for (const chunk of datasetChunks(db, id)) x.set(chunk.x, chunk.firstRow * dim);
  const { labels, split } = datasetLabels(db, id);
  return {
    id,
    name: record.name,
    kind: record.kind,
    x,
    y: labels,
    n: record.n,
    shape: [h, w, c],
    classes: record.meta.numericLabels ? record.meta.classNames.map(Number) : record.meta.classNames.map((_, i) => i),
    classNames: record.meta.classNames,
    splits: splitsOf(split),
    featureNames: record.kind === 'tabular' ? record.meta.featureNames : null,
  };
}

/** Loads a stored (or built-in) text dataset: raw texts with labels and split (the character encoder tokenises them). */
export function loadStoredTextDataset(db: Db, id: string): StoredTextDataset {
  const builtin = builtinDataset(id);
  if (builtin?.texts) {
    const rows = builtin.texts();
    return { ...rows, id, name: builtin.summary.name, n: rows.texts.length, splits: splitsOf(builtin.split) };
  }
  if (builtin) throw new ImportError(`'${builtin.summary.name}' holds images: load it with loadStoredDataset`);
  const record = requireRecord(db, id);
  if (record.kind !== 'text') throw new ImportError(`'${record.name}' holds ${record.kind === 'images' ? 'images' : 'numeric features'}: load it with loadStoredDataset`);
  const { labels, split } = datasetLabels(db, id);
  return { id, name: record.name, n: record.n, texts: datasetTexts(db, id), y: labels, classNames: record.meta.classNames, splits: splitsOf(split) };
}
