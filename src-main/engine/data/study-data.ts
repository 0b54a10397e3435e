import { taskClasses, type DataConfig, type RunConfig } from '../../../src-shared/config';
import { Rng } from '../rng';
import type { Dataset } from './dataset';
import { loadMnistDigits } from './mnist-digits';
import { transformInputs } from './target-tasks';

/** The four disjoint splits a study uses. */
export interface StudyData {
  pretrainTrain: Dataset;
  pretrainEval: Dataset;
  targetTrain: Dataset;
  targetEval: Dataset;
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
export function buildStudyData(data: DataConfig, task: RunConfig['target']['task']): StudyData {
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
  };
}
