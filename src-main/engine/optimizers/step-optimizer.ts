import type * as tf from '@tensorflow/tfjs-core';

/** A term to add to one variable's gradient, or null. */
export type ExtraGradient = (variable: tf.Variable) => tf.Tensor | null;

/** A weight under the name a resume point knows it by (tf variable names differ from process to process). */
export interface NamedWeight {
  name: string;
  variable: tf.Variable;
}

/** TF.js Adam between two steps: its step count, the accumulated β powers and the moments in its own (index) order. */
export interface AdamState {
  kind: 'adam';
  iterations: number;
  /** β1ᵗ and β2ᵗ as float32, accumulated by repeated multiplication (not recomputable bitwise by pow). */
  accBeta1: number;
  accBeta2: number;
  moments: { name: string; m: Float32Array; v: Float32Array }[];
}

/** RecAdam between two steps: its global step and each weight's moments and own step. */
export interface RecAdamState {
  kind: 'recadam';
  steps: number;
  weights: { name: string; m: Float32Array; v: Float32Array; step: number }[];
}

/** What an optimizer carries from step to step: part of a resume point. */
export type OptimizerState = AdamState | RecAdamState;

/** An optimizer the trainer drives one step at a time; methods may supply their own (RecAdam). */
export interface StepOptimizer {
  /**
   * Computes the gradients of `loss` for `variables`, adds `extraGradient` (a method's analytic
   * penalty gradient, owned by the optimizer once returned) where it gives one, updates the
   * variables, and returns the loss value.
   */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[], extraGradient?: ExtraGradient): tf.Scalar;
  /** Its state after the steps so far, keyed by the names of `weights` (the variables it updates). */
  saveState(weights: NamedWeight[]): OptimizerState;
  /** Continues from a saved state; an error names what does not fit these weights. */
  restoreState(state: OptimizerState, weights: NamedWeight[]): void;
  /** Frees the optimizer's state (moments). */
  dispose(): void;
}
