import Database from 'better-sqlite3';
import type { BaseModelSpec, LibraryDataConfig } from '../../../src-shared/config';
import type { Db } from '../../db/types';
import type { FeatureStats } from '../../import/assemble';
import { loadStoredDataset, loadStoredTextDataset, type StoredDataset, type StoredTextDataset } from '../../import/load-stored-dataset';
import { TRANSFORMER_RECIPES } from '../models/recipes';
import { CharTokenizer, normaliseText, tokenizerId } from './char-tokenizer';
import type { Dataset } from './dataset';
import type { StudyData } from './study-data';
import { paddedTokens } from './text-study-data';

/** How the target's classes map onto the model: the pretrain head's indices when both label sets agree, else the target's own. */
interface LabelSpace {
  sameHead: boolean;
  /** Target class index → pretrain class index (same head), or null. */
  relabel: Int32Array | null;
  targetNames: string[];
}

function labelSpace(pretrain: string[], target: string[]): LabelSpace {
  const index = new Map(pretrain.map((name, i) => [name, i]));
  const sameHead = pretrain.length === target.length && target.every((name) => index.has(name));
  return { sameHead, relabel: sameHead ? Int32Array.from(target, (name) => index.get(name)!) : null, targetNames: sameHead ? pretrain : target };
}

/** A labelled set of the rows `rows` of a stored dataset (x already gathered in that order), labels mapped through `relabel` (identity when null). */
function labelled(name: string, x: Float32Array, shape: Dataset['shape'], labels: Int32Array, rows: Int32Array, names: string[], relabel: Int32Array | null): Dataset {
  const y = Int32Array.from(rows, (r) => (relabel ? relabel[labels[r]] : labels[r]));
  return { name, x, y, n: rows.length, shape, classes: names.map((_, i) => i), classNames: names };
}

/** Copies the feature rows `rows` of a stored dataset. */
function featureRows(all: StoredDataset, rows: Int32Array): Float32Array {
  const d = all.shape[0] * all.shape[1] * all.shape[2];
  const x = new Float32Array(rows.length * d);
  rows.forEach((r, i) => x.set(all.x.subarray(r * d, (r + 1) * d), i * d));
  return x;
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

/** Reads the pretrain and target datasets once each (a control study, target = pretrain, and pretraining read one). */
function readBoth<T>(store: string | Db, pretrainId: string, targetId: string, load: (db: Db, id: string) => T): [T, T] {
  return withStore(store, (db) => {
    const first = load(db, pretrainId);
    return [first, targetId === pretrainId ? first : load(db, targetId)];
  });
}

/** Image or table datasets: rows as stored, tables standardised with the pretrain dataset's statistics when the config asks. */
function featureStudyData(data: LibraryDataConfig, targetId: string, store: string | Db): StudyData {
  const [pre, tgt] = readBoth(store, data.pretrain, targetId, loadStoredDataset);
  if (pre.shape.join() !== tgt.shape.join()) throw new Error(`The target dataset '${tgt.name}' has samples of ${tgt.shape.join('×')}, the pretrain dataset '${pre.name}' ${pre.shape.join('×')}`);
  if (data.standardize && pre.featureStats) {
    standardise(pre, pre.featureStats);
    if (tgt !== pre) standardise(tgt, pre.featureStats);
  }
  const space = labelSpace(pre.classNames, tgt.classNames);
  const pretrainSet = (rows: Int32Array, part: string) => labelled(`${pre.name} (${part})`, featureRows(pre, rows), pre.shape, pre.y, rows, pre.classNames, null);
  const targetSet = (rows: Int32Array, part: string) => labelled(`${tgt.name} (${part})`, featureRows(tgt, rows), tgt.shape, tgt.y, rows, space.targetNames, space.relabel);
  return {
    pretrainTrain: pretrainSet(pre.splits.train, 'train'),
    pretrainEval: pretrainSet(pre.splits.eval, 'eval'),
    targetTrain: targetSet(tgt.splits.train, 'train'),
    targetEval: targetSet(tgt.splits.eval, 'eval'),
    sameHead: space.sameHead,
  };
}

/** Labelled text datasets for the character encoder: the first T characters of each text, tokenised with the base model's tokenizer. */
function textStudyData(base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>, data: LibraryDataConfig, targetId: string, store: string | Db): StudyData {
  const recipe = TRANSFORMER_RECIPES[base.recipe];
  if (!recipe || !base.tokenizer) throw new Error(`Text datasets need a text base model with a tokenizer; '${base.recipe}' has none`);
  const tok = new CharTokenizer(base.tokenizer);
  const t = recipe.context;
  const [pre, tgt] = readBoth(store, data.pretrain, targetId, loadStoredTextDataset);
  const space = labelSpace(pre.classNames, tgt.classNames);
  const set = (d: StoredTextDataset, rows: Int32Array, part: string, names: string[], relabel: Int32Array | null) => ({
    ...labelled(`${d.name} (${part})`, paddedTokens(Array.from(rows, (r) => normaliseText(d.texts[r])), tok, t), [t, 1, 1], d.y, rows, names, relabel),
    tokenizer: tokenizerId(tok.spec),
  });
  return {
    pretrainTrain: set(pre, pre.splits.train, 'train', pre.classNames, null),
    pretrainEval: set(pre, pre.splits.eval, 'eval', pre.classNames, null),
    targetTrain: set(tgt, tgt.splits.train, 'train', space.targetNames, space.relabel),
    targetEval: set(tgt, tgt.splits.eval, 'eval', space.targetNames, space.relabel),
    sameHead: space.sameHead,
  };
}

/**
 * The splits of a study on two datasets of the library, each split by its stored stratified
 * train/eval split. With the same label set the target's classes are renumbered to the pretrain
 * dataset's (the head is reused); otherwise the target keeps its own classes for a new head.
 */
export function libraryStudyData(base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>, targetId: string, store: string | Db): StudyData {
  if (base.data.source !== 'library') throw new Error('libraryStudyData reads library datasets only');
  return base.tokenizer ? textStudyData(base, base.data, targetId, store) : featureStudyData(base.data, targetId, store);
}
