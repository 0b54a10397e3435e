import type * as tf from '@tensorflow/tfjs-core';

/** A term to add to one variable's gradient, or null. */
export type ExtraGradient = (variable: tf.Variable) => tf.Tensor | null;

/** An optimizer the trainer drives one step at a time; methods may supply their own (RecAdam). */
export interface StepOptimizer {
  /**
   * Computes the gradients of `loss` for `variables`, adds `extraGradient` (a method's analytic
   * penalty gradient, owned by the optimizer once returned) where it gives one, updates the
   * variables, and returns the loss value.
   */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[], extraGradient?: ExtraGradient): tf.Scalar;
  /** Frees the optimizer's state (moments). */
  dispose(): void;
}
