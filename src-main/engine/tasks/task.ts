import type * as tf from '@tensorflow/tfjs-core';
import type { Metric, Objective } from '../../../src-shared/config';
import type { ClassDamage } from '../../../src-shared/metrics';

/** How the model stands on the pretrain eval set against θ₀, sample by sample (methods.md §2). */
export interface PretrainComparison {
  /** A_pre: accuracy, or mean token loss. */
  value: number;
  cdAbs: number;
  cdCond: number;
  gainedAbs: number;
  perClass: ClassDamage[];
}

/**
 * What a study's model learns, which decides its loss, its metric and what collateral damage means.
 * The trainer, the evaluator and the methods go through it instead of assuming a classifier.
 * Tensor arguments: `targets` are rows of DeviceData.targets, `logits` Model.logits of the same rows.
 */
export interface Task {
  objective: Objective;
  metric: Metric;
  /** The batch-mean training loss. */
  loss(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar;
  /** One evaluation score per sample [b]: 1/0 correct, or the sequence's mean token loss. */
  scores(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D;
  /** What the store keeps per pretrain eval sample for the gallery: the predicted class (int32), or the sequence's mean token loss. */
  predictions(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D;
  /** Per-sample right/wrong for rehearsal statistics; null where a sample has no single right answer (a language model). */
  correct: ((targets: tf.Tensor2D, logits: tf.Tensor2D) => tf.Tensor1D) | null;
  /**
   * Compares per-sample scores of the current weights with θ₀'s over the pretrain eval set. `base`
   * null means there is no θ₀ yet (pretraining): nothing counts as damaged.
   */
  compare(base: Float32Array | null, now: Float32Array, labels: Int32Array): PretrainComparison;
}

/**
 * The tasks of a study: what its pretrain side is measured by (pretrain eval set, rehearsal, importances,
 * generality sets) and what its target is learned and measured by; the same task unless a language model
 * is fine-tuned into a classifier.
 */
export interface StudyTasks {
  pretrain: Task;
  target: Task;
}

/** The tasks of a study whose pretrain side and target share one task. */
export function sameTask(task: Task): StudyTasks {
  return { pretrain: task, target: task };
}
