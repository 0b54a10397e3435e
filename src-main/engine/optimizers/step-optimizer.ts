import type * as tf from '@tensorflow/tfjs-core';

/** An optimizer the trainer drives one step at a time; methods may supply their own (RecAdam). */
export interface StepOptimizer {
  /** Computes the gradients of `loss` for `variables`, updates them, and returns the loss value. */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar;
  /** Frees the optimizer's state (moments). */
  dispose(): void;
}
