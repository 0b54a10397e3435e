// No tfjs at runtime here: the RecAdam optimizer uses these checks, and the host loads method files without tfjs.
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../optimizers/step-optimizer';

/** The weight of this name, or an error saying that the resume point's `what` names a weight this job does not train. */
export function weightNamed(weights: NamedWeight[], name: string, what: string): tf.Variable {
  const found = weights.find((w) => w.name === name);
  if (!found)
    throw new Error(
      `resume point does not fit this job: its ${what} names ${name}, which this job does not train (it trains ${weights.map((w) => w.name).join(', ')})`,
    );
  return found.variable;
}

/** Saved values for a variable, checked: float32 and as many as the variable has, else an error naming the weight. */
export function checkedValues(variable: tf.Variable, values: unknown, name: string, what: string): Float32Array {
  if (!(values instanceof Float32Array) || values.length !== variable.size) {
    const size = values instanceof Float32Array ? `${values.length} values` : 'no float32 values';
    throw new Error(`resume point does not fit this job: its ${what} of ${name} has ${size}, the weight has ${variable.size} [${variable.shape}]`);
  }
  return values;
}
