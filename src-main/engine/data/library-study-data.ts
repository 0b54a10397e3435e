import Database from 'better-sqlite3';
import type { LibraryDataConfig } from '../../../src-shared/config';
import type { Db } from '../../db/types';
import type { FeatureStats } from '../../import/assemble';
import { loadStoredDataset, type StoredDataset } from '../../import/load-stored-dataset';
import type { Dataset } from './dataset';
import type { StudyData } from './study-data';

/** The rows `rows` of a stored dataset, labels mapped through `relabel` (identity when absent). */
function takeRows(all: StoredDataset, rows: Int32Array, name: string, relabel: Int32Array | null): Dataset {
  const d = all.shape[0] * all.shape[1] * all.shape[2];
  const x = new Float32Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(all.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = relabel ? relabel[all.y[r]] : all.y[r];
  });
  return { name, x, y, n: rows.length, shape: all.shape, classes: all.classNames.map((_, i) => i), classNames: all.classNames };
}

/** Standardises every feature in place with the pretrain dataset's statistics (a constant feature is only centred). */
function standardise(data: StoredDataset, stats: FeatureStats): void {
  const f = stats.mean.length;
  for (let i = 0; i < data.x.length; i++) {
    const j = i % f;
    data.x[i] = (data.x[i] - stats.mean[j]) / (stats.std[j] > 0 ? stats.std[j] : 1);
  }
}

/** Runs `read` on the store: an open connection as is, a file opened read-only for the call (the engine process). */
function withStore<T>(store: string | Db, read: (db: Db) => T): T {
  if (typeof store !== 'string') return read(store);
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/**
 * The splits of a study on two datasets of the library, each split by its stored stratified
 * train/eval split. With the same label set the target's classes are renumbered to the pretrain
 * dataset's (the head is reused); otherwise the target keeps its own classes for a new head.
 * Tables are standardised with the pretrain dataset's statistics when the config asks.
 */
export function libraryStudyData(data: LibraryDataConfig, targetId: string, store: string | Db): StudyData {
  // A control study (target = pretrain dataset) and pretraining read the dataset once.
  const [pre, tgt] = withStore(store, (db) => {
    const first = loadStoredDataset(db, data.pretrain);
    return [first, targetId === data.pretrain ? first : loadStoredDataset(db, targetId)];
  });
  if (pre.shape.join() !== tgt.shape.join()) throw new Error(`The target dataset '${tgt.name}' has samples of ${tgt.shape.join('×')}, the pretrain dataset '${pre.name}' ${pre.shape.join('×')}`);
  if (data.standardize && pre.featureStats) {
    standardise(pre, pre.featureStats);
    if (tgt !== pre) standardise(tgt, pre.featureStats);
  }
  const index = new Map(pre.classNames.map((name, i) => [name, i]));
  const sameHead = pre.classNames.length === tgt.classNames.length && tgt.classNames.every((name) => index.has(name));
  const relabel = sameHead ? Int32Array.from(tgt.classNames, (name) => index.get(name)!) : null;
  const targetNames = sameHead ? pre.classNames : tgt.classNames;
  const target = (rows: Int32Array, name: string) => ({ ...takeRows(tgt, rows, name, relabel), classes: targetNames.map((_, i) => i), classNames: targetNames });
  return {
    pretrainTrain: takeRows(pre, pre.splits.train, `${pre.name} (train)`, null),
    pretrainEval: takeRows(pre, pre.splits.eval, `${pre.name} (eval)`, null),
    targetTrain: target(tgt.splits.train, `${tgt.name} (train)`),
    targetEval: target(tgt.splits.eval, `${tgt.name} (eval)`),
    sameHead,
  };
}
