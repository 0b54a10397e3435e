import * as tf from '@tensorflow/tfjs-core';
import type { AdamState, NamedWeight, OptimizerState } from '../optimizers/step-optimizer';
import { checkedValues, weightNamed } from './check-values';

/** The fields of tfjs-core 4.x's AdamOptimizer that carry its state between steps (private in its typings). */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  iterations_: number;
}

const internals = (optimizer: tf.AdamOptimizer) => optimizer as unknown as AdamInternals;

/** Adam's state after the steps so far; its moments go by index (the order of the gradients), each named by its weight. */
export function saveAdamState(optimizer: tf.AdamOptimizer, weights: NamedWeight[]): AdamState {
  const o = internals(optimizer);
  const nameOf = new Map(weights.map((w) => [w.variable.name, w.name]));
  const moments = o.accumulatedFirstMoment.map((first, i) => {
    // Adam names a moment after its variable: `${variable.name}/m`.
    const variableName = first.originalName.slice(0, -'/m'.length);
    const name = nameOf.get(variableName);
    if (name === undefined) throw new Error(`Adam holds moments of ${variableName}, which is not among the weights it is saved with`);
    return { name, m: (first.variable.dataSync() as Float32Array).slice(), v: (o.accumulatedSecondMoment[i].variable.dataSync() as Float32Array).slice() };
  });
  return { kind: 'adam', iterations: optimizer.iterations, accBeta1: o.accBeta1.dataSync()[0], accBeta2: o.accBeta2.dataSync()[0], moments };
}

/** Puts a saved state into a fresh Adam (no step taken yet); an error names what does not fit these weights. */
export function restoreAdamState(optimizer: tf.AdamOptimizer, state: OptimizerState, weights: NamedWeight[]): void {
  if (state.kind !== 'adam') throw new Error(`resume point does not fit this job: it holds a ${state.kind} optimizer state, this job trains with Adam`);
  const o = internals(optimizer);
  if (o.accumulatedFirstMoment.length) throw new Error('Adam can only be restored before its first step');
  const checked = state.moments.map(({ name, m, v }) => {
    const variable = weightNamed(weights, name, 'Adam moments');
    return { variable, m: checkedValues(variable, m, name, 'Adam first moment'), v: checkedValues(variable, v, name, 'Adam second moment') };
  });
  const moment = (variable: tf.Variable, values: Float32Array, suffix: string) => ({
    originalName: `${variable.name}/${suffix}`,
    variable: tf.tidy(() => tf.tensor(values, variable.shape).variable(false)),
  });
  o.accumulatedFirstMoment = checked.map((c) => moment(c.variable, c.m, 'm'));
  o.accumulatedSecondMoment = checked.map((c) => moment(c.variable, c.v, 'v'));
  // Not setWeights: it recomputes β1ᵗ and β2ᵗ with pow(), which is not bitwise the float32 product the steps accumulated.
  const [b1, b2] = [tf.scalar(state.accBeta1), tf.scalar(state.accBeta2)];
  o.accBeta1.assign(b1);
  o.accBeta2.assign(b2);
  tf.dispose([b1, b2]);
  o.iterations_ = state.iterations;
}
