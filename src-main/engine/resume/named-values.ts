import * as tf from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../optimizers/step-optimizer';
import { checkedValues, weightNamed } from './check-values';

/** A copy of every weight's values by name (JS memory, float32). */
export function readValues(weights: NamedWeight[]): Map<string, Float32Array> {
  return new Map(weights.map(({ name, variable }) => [name, (variable.dataSync() as Float32Array).slice()]));
}

/** Assigns saved values to exactly these weights; a missing, extra or mis-sized weight is an error naming it (and nothing is assigned). */
export function writeValues(weights: NamedWeight[], values: Map<string, Float32Array>, what: string): void {
  const missing = weights.filter((w) => !values.has(w.name)).map((w) => w.name);
  if (missing.length) throw new Error(`resume point does not fit this job: its ${what} lack ${missing.join(', ')}`);
  const checked = [...values].map(([name, v]) => {
    const variable = weightNamed(weights, name, what);
    return { variable, values: checkedValues(variable, v, name, what) };
  });
  for (const { variable, values: v } of checked) {
    const tensor = tf.tensor(v, variable.shape);
    variable.assign(tensor);
    tensor.dispose();
  }
}
