import * as tf from '@tensorflow/tfjs-core';
import { collateralDamage } from '../../../src-shared/metrics';
import type { Task } from './task';

const correct = (targets: tf.Tensor2D, logits: tf.Tensor2D) => tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32') as tf.Tensor1D;

/** Classification: softmax cross-entropy on one-hot targets, accuracy, and collateral damage as 1→0 transitions (methods.md §2). */
export const classification: Task = {
  objective: 'classification',
  metric: 'accuracy',
  loss: (targets, logits) => tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar,
  scores: correct,
  predictions: (_targets, logits) => tf.argMax(logits, 1) as tf.Tensor1D,
  correct,
  compare: (base, now, labels) => {
    // Before pretraining nothing is known: every correct sample counts as gained.
    const cd = collateralDamage(base ?? new Float32Array(now.length), now, labels);
    return { value: cd.accAfter, cdAbs: cd.cdAbs, cdCond: cd.cdCond, gainedAbs: cd.n ? cd.gained / cd.n : 0, perClass: cd.perClass };
  },
};
