import type { BaseModelSpec, LibraryDataConfig } from '../../../src-shared/config';
import { sameLabelSet } from '../../../src-shared/library-compat';
import {
  withStore,
  type DatasetSplits,
  type StoreConnection,
  type StoredDataset,
  type StoredTextDataset,
  type StoreSource,
} from '../../store-read/stored-datasets';
import { TRANSFORMER_RECIPES } from '../models/recipes';
import { CharTokenizer, normaliseText, tokenizerId } from './char-tokenizer';
import type { Dataset } from './dataset';
import { libraryDataset, libraryTextDataset } from './library-datasets';
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
  if (!sameLabelSet(pretrain, target)) return { sameHead: false, relabel: null, targetNames: target };
  const index = new Map(pretrain.map((name, i) => [name, i]));
  return { sameHead: true, relabel: Int32Array.from(target, (name) => index.get(name)!), targetNames: pretrain };
}

/** A labelled set of the rows `rows` of a stored dataset (x already gathered in that order), labels mapped through `relabel` (identity when null). */
function labelled(
  name: string,
  x: Float32Array,
  shape: Dataset['shape'],
  labels: Int32Array,
  rows: Int32Array,
  names: string[],
  relabel: Int32Array | null,
): Dataset {
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

/** Mean and standard deviation of every feature over the rows `rows` (two passes in float64, so a constant feature has std 0). */
function featureMoments(data: StoredDataset, rows: Int32Array): { mean: Float64Array; std: Float64Array } {
  const f = data.shape[1];
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  for (const r of rows) for (let j = 0; j < f; j++) mean[j] += data.x[r * f + j];
  mean.forEach((m, j) => (mean[j] = m / Math.max(1, rows.length)));
  for (const r of rows) for (let j = 0; j < f; j++) std[j] += (data.x[r * f + j] - mean[j]) ** 2;
  std.forEach((v, j) => (std[j] = Math.sqrt(v / Math.max(1, rows.length))));
  return { mean, std };
}

/** Standardises every feature in place (a constant feature is only centred). */
function standardise(data: StoredDataset, moments: { mean: Float64Array; std: Float64Array }): void {
  const f = moments.mean.length;
  for (let i = 0; i < data.x.length; i++) {
    const j = i % f;
    data.x[i] = (data.x[i] - moments.mean[j]) / (moments.std[j] > 0 ? moments.std[j] : 1);
  }
}

/** Reads the pretrain dataset and each target dataset once (pretraining, a control study or a dataset met twice in a sequence read one). */
function readAll<T>(store: StoreSource, pretrainId: string, targetIds: string[], load: (db: StoreConnection, id: string) => T): { pre: T; targets: T[] } {
  return withStore(store, (db) => {
    const loaded = new Map<string, T>();
    const get = (id: string) => {
      if (!loaded.has(id)) loaded.set(id, load(db, id));
      return loaded.get(id)!;
    };
    return { pre: get(pretrainId), targets: targetIds.map(get) };
  });
}

/** A loaded dataset as the stages need it. */
interface Loaded {
  name: string;
  classNames: string[];
  splits: DatasetSplits;
}

/** The two parts of a dataset's stored split. */
type Part = 'train' | 'eval';

/**
 * One StudyData per target dataset. The pretrain sets are made once and shared by every stage; a
 * target that is the pretrain dataset itself shares them too, instead of copying them.
 */
function stagesOf<T extends Loaded>(pre: T, targets: T[], set: (d: T, part: Part, names: string[], relabel: Int32Array | null) => Dataset): StudyData[] {
  const pretrainTrain = set(pre, 'train', pre.classNames, null);
  const pretrainEval = set(pre, 'eval', pre.classNames, null);
  const made = new Map<T, [Dataset, Dataset]>([[pre, [pretrainTrain, pretrainEval]]]);
  return targets.map((tgt) => {
    const space = labelSpace(pre.classNames, tgt.classNames);
    if (!made.has(tgt)) made.set(tgt, [set(tgt, 'train', space.targetNames, space.relabel), set(tgt, 'eval', space.targetNames, space.relabel)]);
    const [targetTrain, targetEval] = made.get(tgt)!;
    return { pretrainTrain, pretrainEval, targetTrain, targetEval, sameHead: space.sameHead, labels: { pretrain: pre.name, target: tgt.name } };
  });
}

/**
 * Image or table datasets: rows as stored; tables standardised, when the config asks, with the
 * mean and deviation of the pretrain dataset's train split (the eval split stays unseen).
 */
function featureStages(data: LibraryDataConfig, targetIds: string[], store: StoreSource): StudyData[] {
  const { pre, targets } = readAll(store, data.pretrain, targetIds, libraryDataset);
  for (const tgt of targets) {
    if (pre.shape.join() !== tgt.shape.join())
      throw new Error(`The target dataset '${tgt.name}' has samples of ${tgt.shape.join('×')}, the pretrain dataset '${pre.name}' ${pre.shape.join('×')}`);
    if (pre.featureNames?.join('\n') !== tgt.featureNames?.join('\n'))
      throw new Error(`The target dataset '${tgt.name}' has other feature columns than the pretrain dataset '${pre.name}'`);
  }
  if (data.standardize && pre.kind === 'tabular') {
    const moments = featureMoments(pre, pre.splits.train);
    for (const d of new Set([pre, ...targets])) standardise(d, moments);
  }
  return stagesOf(pre, targets, (d, part, names, relabel) =>
    labelled(`${d.name} (${part})`, featureRows(d, d.splits[part]), d.shape, d.y, d.splits[part], names, relabel),
  );
}

/** Labelled text datasets for the character encoder: the first T characters of each text, tokenised with the base model's tokenizer. */
function textStages(base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>, data: LibraryDataConfig, targetIds: string[], store: StoreSource): StudyData[] {
  const recipe = TRANSFORMER_RECIPES[base.recipe];
  if (!recipe || !base.tokenizer) throw new Error(`Text datasets need a text base model with a tokenizer; '${base.recipe}' has none`);
  const tok = new CharTokenizer(base.tokenizer);
  const t = recipe.context;
  const { pre, targets } = readAll(store, data.pretrain, targetIds, libraryTextDataset);
  return stagesOf(pre, targets, (d: StoredTextDataset, part, names, relabel) => {
    const rows = d.splits[part];
    const x = paddedTokens(
      Array.from(rows, (r) => normaliseText(d.texts[r])),
      tok,
      t,
    );
    return { ...labelled(`${d.name} (${part})`, x, [t, 1, 1], d.y, rows, names, relabel), tokenizer: tokenizerId(tok.spec) };
  });
}

/**
 * The splits of a study on datasets of the library, one StudyData per target dataset (several in a
 * sequence), each dataset split by its stored stratified train/eval split. With the same label set
 * the target's classes are renumbered to the pretrain dataset's (the head is reused); otherwise the
 * target keeps its own classes for a new head.
 */
export function libraryStudyStages(base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>, targetIds: string[], store: StoreSource): StudyData[] {
  if (base.data.source !== 'library') throw new Error('libraryStudyStages reads library datasets only');
  return base.tokenizer ? textStages(base, base.data, targetIds, store) : featureStages(base.data, targetIds, store);
}
