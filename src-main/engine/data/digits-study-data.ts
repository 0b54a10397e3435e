import type { DigitsDataConfig } from '../../../src-shared/config';
import { sharesHead } from '../../../src-shared/tasks/lookup';
import type { DigitsTask } from '../../../src-shared/tasks/task';
import { Rng } from '../rng';
import type { Dataset } from './dataset';
import { loadMnistDigits } from './mnist-digits';
import type { StudyData } from './study-data';

/** Keeps the rows whose digit is in `classes` and relabels them 0..k−1 in that order. */
export function takeClasses(all: Dataset, rows: ArrayLike<number>, classes: number[], name: string): Dataset {
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

/** Applies the task's input transform (its domain shift) to every sample of a dataset. */
function transformInputs(data: Dataset, task: DigitsTask, seed: number): Dataset {
  if (!task.transform) return data;
  const apply = task.transform(data.shape, seed);
  const d = data.shape[0] * data.shape[1] * data.shape[2];
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < data.n; i++) x.set(apply(data.x.subarray(i * d, (i + 1) * d)), i * d);
  return { ...data, x, name: `${data.name} (${task.id})` };
}

/** The rows of the built-in digits (seeded, disjoint) in each split of a study: pretrain train/eval and target train/eval. */
export function digitsSplit(data: DigitsDataConfig): {
  all: Dataset;
  pretrainTrain: Int32Array;
  pretrainEval: Int32Array;
  targetTrain: Int32Array;
  targetEval: Int32Array;
} {
  const all = loadMnistDigits();
  const order = new Rng(data.splitSeed).permutation(all.n);
  const used = order.subarray(0, Math.round(all.n * data.useFraction));
  const nPre = Math.round(used.length * data.pretrainShare);
  const pre = used.subarray(0, nPre);
  const tgt = used.subarray(nPre);
  const preEvalN = Math.round(pre.length * data.evalShare);
  const tgtEvalN = Math.round(tgt.length * data.evalShare);
  return {
    all,
    pretrainTrain: pre.subarray(preEvalN),
    pretrainEval: pre.subarray(0, preEvalN),
    targetTrain: tgt.subarray(tgtEvalN),
    targetEval: tgt.subarray(0, tgtEvalN),
  };
}

/**
 * Splits the built-in digits (seeded, disjoint) into pretrain train/eval and target train/eval,
 * then applies the target task (its classes, its input transform).
 */
export function buildDigitsStudyData(data: DigitsDataConfig, task: DigitsTask): StudyData {
  const { all, ...rows } = digitsSplit(data);
  const { classes } = task;
  const targetTrain = takeClasses(all, rows.targetTrain, classes.target, 'target train');
  const targetEval = takeClasses(all, rows.targetEval, classes.target, 'target eval');
  return {
    pretrainTrain: takeClasses(all, rows.pretrainTrain, classes.pretrain, 'pretrain train'),
    pretrainEval: takeClasses(all, rows.pretrainEval, classes.pretrain, 'pretrain eval'),
    targetTrain: transformInputs(targetTrain, task, data.splitSeed),
    targetEval: transformInputs(targetEval, task, data.splitSeed),
    sameHead: sharesHead(task) === true,
    labels: { pretrain: task.pretrainedOn, target: task.id },
  };
}
