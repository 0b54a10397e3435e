import * as tf from '@tensorflow/tfjs-core';
import { restoreAdamState, saveAdamState } from '../resume/adam-state';
import type { StepOptimizer } from './step-optimizer';

/** The TF.js Adam epsilon; it is added to the bias-corrected √v̂ (HF/RecAdam put ε on √v). */
export const ADAM_EPSILON = 1e-7;

/** Adam in TF.js's form: θ ← θ − lr·m̂/(√v̂ + ε), β1 = 0.9, β2 = 0.999, ε = 1e-7 (methods.md §3.1). */
export function adam(learningRate: number): StepOptimizer {
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, ADAM_EPSILON);
  return {
    minimize: (loss, variables, extraGradient) => {
      if (!extraGradient) return optimizer.minimize(loss, true, variables) as tf.Scalar;
      const { value, grads } = optimizer.computeGradients(loss, variables);
      const total: { name: string; tensor: tf.Tensor }[] = [];
      for (const v of variables) {
        const g = grads[v.name];
        if (!g) continue;
        const extra = extraGradient(v);
        total.push({ name: v.name, tensor: extra ? tf.add(g, extra) : g });
        if (extra) tf.dispose([g, extra]);
      }
      optimizer.applyGradients(total);
      tf.dispose(total.map((t) => t.tensor));
      return value;
    },
    saveState: (weights) => saveAdamState(optimizer, weights),
    restoreState: (state, weights) => restoreAdamState(optimizer, state, weights),
    dispose: () => optimizer.dispose(),
  };
}
