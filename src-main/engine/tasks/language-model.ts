import * as tf from '@tensorflow/tfjs-core';
import { lossDamage } from '../../../src-shared/metrics';
import type { Task } from './task';

/**
 * Cross-entropy of every position [b·T] and which positions are scored [b·T] (1 or 0). targets: [b, T] (int32): the
 * next tokens, or a masked LM's original tokens with UNSCORED (−1) at positions it does not score; logits [b·T, vocabulary].
 */
function tokenLosses(targets: tf.Tensor2D, logits: tf.Tensor2D): { losses: tf.Tensor1D; scored: tf.Tensor1D } {
  const flat = tf.reshape(targets, [-1]) as tf.Tensor1D;
  const scored = tf.cast(tf.greaterEqual(flat, 0), 'float32') as tf.Tensor1D;
  const oneHot = tf.cast(tf.oneHot(tf.maximum(flat, tf.zerosLike(flat)) as tf.Tensor1D, logits.shape[1]), 'float32');
  const losses = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, undefined, tf.Reduction.NONE) as tf.Tensor1D;
  return { losses: tf.mul(losses, scored) as tf.Tensor1D, scored };
}

/** Mean loss of each sequence's scored tokens [b] (a window scores at least one). */
function sequenceLosses(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  const { losses, scored } = tokenLosses(targets, logits);
  const sum = (v: tf.Tensor1D) => tf.sum(tf.reshape(v, targets.shape), 1);
  return tf.div(sum(losses), tf.maximum(sum(scored), 1)) as tf.Tensor1D;
}

/**
 * Language modelling: next-token (or a masked LM's masked-token) cross-entropy at every scored position, measured by mean token loss
 * (nats; lower is better, perplexity = e^loss); a held-out pretrain sequence is collateral damage
 * when its mean token loss rose by more than `lossRise` nats (methods.md §2 carried over to losses).
 */
export function languageModel(lossRise: number): Task {
  return {
    objective: 'language-model',
    metric: 'loss',
    loss: (targets, logits) => {
      const { losses, scored } = tokenLosses(targets, logits);
      return tf.div(tf.sum(losses), tf.maximum(tf.sum(scored), 1)) as tf.Scalar;
    },
    scores: sequenceLosses,
    predictions: sequenceLosses,
    correct: null,
    compare: (base, now) => {
      const d = lossDamage(base ?? now, now, lossRise);
      return { value: d.lossAfter, cdAbs: d.cdAbs, cdCond: d.cdCond, gainedAbs: d.gainedAbs, perClass: [] };
    },
  };
}
