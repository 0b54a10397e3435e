import * as tf from '@tensorflow/tfjs-core';
import { lossDamage } from '../../../src-shared/metrics';
import type { Task } from './task';

/** Cross-entropy of every position [b·T]. targets: next tokens [b, T] (int32); logits [b·T, vocabulary]. */
function tokenLosses(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  const oneHot = tf.cast(tf.oneHot(tf.reshape(targets, [-1]) as tf.Tensor1D, logits.shape[1]), 'float32');
  return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, undefined, tf.Reduction.NONE) as tf.Tensor1D;
}

/** Mean token loss of each sequence [b]. */
function sequenceLosses(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(tf.reshape(tokenLosses(targets, logits), targets.shape), 1) as tf.Tensor1D;
}

/**
 * Language modelling: next-token cross-entropy at every position, measured by mean token loss
 * (nats; lower is better, perplexity = e^loss); a held-out pretrain sequence is collateral damage
 * when its mean token loss rose by more than `lossRise` nats (methods.md §2 carried over to losses).
 */
export function languageModel(lossRise: number): Task {
  return {
    objective: 'language-model',
    metric: 'loss',
    loss: (targets, logits) => tf.mean(tokenLosses(targets, logits)) as tf.Scalar,
    scores: sequenceLosses,
    predictions: sequenceLosses,
    correct: null,
    compare: (base, now) => {
      const d = lossDamage(base ?? now, now, lossRise);
      return { value: d.lossAfter, cdAbs: d.cdAbs, cdCond: d.cdCond, gainedAbs: d.gainedAbs, perClass: [] };
    },
  };
}
