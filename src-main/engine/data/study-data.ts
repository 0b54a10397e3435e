import { sharesHead, TASK_KIND, taskClasses, type BaseModelSpec, type DigitsDataConfig, type RunConfig } from '../../../src-shared/config';
import type { Db } from '../../db/types';
import { TRANSFORMER_RECIPES } from '../models/recipes';
import { Rng } from '../rng';
import type { Dataset } from './dataset';
import { libraryStudyStages } from './library-study-data';
import { loadMnistDigits } from './mnist-digits';
import { transformInputs } from './target-tasks';
import { buildTextStudyData } from './text-study-data';

/** The four disjoint splits a study uses. */
export interface StudyData {
  pretrainTrain: Dataset;
  pretrainEval: Dataset;
  targetTrain: Dataset;
  targetEval: Dataset;
  /** The target has the pretrain label space and reuses the pretrain head. */
  sameHead: boolean;
  /** What the pretrain data and the target are called in logs and a sequence's matrix (task ids, corpora, dataset names). */
  labels: { pretrain: string; target: string };
}

/** Where a library study's datasets are read: the store (its file, or an open connection) and the target dataset's id. */
export interface LibrarySource {
  store: string | Db;
  target: string;
}

/** Keeps the rows whose digit is in `classes` and relabels them 0..k−1 in that order. */
function takeClasses(all: Dataset, rows: ArrayLike<number>, classes: number[], name: string): Dataset {
  const index = new Map(classes.map((digit, i) => [digit, i]));
  const keep = Array.from(rows).filter((r) => index.has(all.classes[all.y[r]]));
  const d = all.shape[0] * all.shape[1] * all.shape[2];
  const x = new Float32Array(keep.length * d);
  const y = new Int32Array(keep.length);
  keep.forEach((r, i) => {
    x.set(all.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = index.get(all.classes[all.y[r]])!;
  });
  return { name, x, y, n: keep.length, shape: all.shape, classes };
}

/**
 * Splits the built-in digits (seeded, disjoint) into pretrain train/eval and target train/eval,
 * then applies the target task (class subset, input transform).
 */
function buildDigitsStudyData(data: DigitsDataConfig, task: RunConfig['target']['task']): StudyData {
  const all = loadMnistDigits();
  const order = new Rng(data.splitSeed).permutation(all.n);
  const used = order.subarray(0, Math.round(all.n * data.useFraction));
  const nPre = Math.round(used.length * data.pretrainShare);
  const pre = used.subarray(0, nPre);
  const tgt = used.subarray(nPre);
  const preEvalN = Math.round(pre.length * data.evalShare);
  const tgtEvalN = Math.round(tgt.length * data.evalShare);
  const classes = taskClasses(task);
  const targetTrain = takeClasses(all, tgt.subarray(tgtEvalN), classes.target, 'target train');
  const targetEval = takeClasses(all, tgt.subarray(0, tgtEvalN), classes.target, 'target eval');
  return {
    pretrainTrain: takeClasses(all, pre.subarray(preEvalN), classes.pretrain, 'pretrain train'),
    pretrainEval: takeClasses(all, pre.subarray(0, preEvalN), classes.pretrain, 'pretrain eval'),
    targetTrain: transformInputs(targetTrain, task, data.splitSeed),
    targetEval: transformInputs(targetEval, task, data.splitSeed),
    sameHead: sharesHead(task) === true,
    labels: builtinLabels(task),
  };
}

function builtinLabels(task: RunConfig['target']['task']): StudyData['labels'] {
  return { pretrain: TASK_KIND[task].pretrainedOn, target: task };
}

/** The four splits of a study for its base model: the digits, datasets of the library, or text tokenised with the base model's own tokenizer. */
export function buildStudyData(base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>, task: RunConfig['target']['task'], library?: LibrarySource): StudyData {
  if (base.data.source === 'mnist-digits') return buildDigitsStudyData(base.data, task);
  if (base.data.source === 'library') {
    if (!library) throw new Error('A study on library datasets needs the store and its target dataset');
    return libraryStudyStages(base, [library.target], library.store)[0];
  }
  const recipe = TRANSFORMER_RECIPES[base.recipe];
  if (!recipe || !base.tokenizer) throw new Error(`Text data needs a text base model with a tokenizer; '${base.recipe}' has ${base.tokenizer ? 'a tokenizer but is not a text recipe' : 'none'}`);
  return { ...buildTextStudyData(base.data, task, base.tokenizer, recipe.context), sameHead: sharesHead(task) === true, labels: builtinLabels(task) };
}

/**
 * The splits of every stage of a study (one task, or a sequence): built-in tasks one by one;
 * library datasets read together, so the pretrain dataset is loaded and split once for all stages.
 */
export function buildStudyStages(
  base: Pick<BaseModelSpec, 'recipe' | 'data' | 'tokenizer'>,
  tasks: RunConfig['target']['task'][],
  library?: { store: string | Db; targets: string[] },
): StudyData[] {
  if (base.data.source !== 'library') return tasks.map((task) => buildStudyData(base, task));
  if (!library) throw new Error('A study on library datasets needs the store and its target datasets');
  return libraryStudyStages(base, library.targets, library.store);
}
