import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendName } from '../../src-shared/config';
import { selectBackend } from '../engine/backend';
import { loadMnistDigits } from '../engine/data/mnist-digits';

/** The same model as the built-in recipe, written the way most tfjs users would: tfjs-layers. */
function layersModel(recipe: 'mlp' | 'cnn'): tfl.Sequential {
  const model = tfl.sequential();
  if (recipe === 'mlp') {
    model.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
    model.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  } else {
    model.add(tfl.layers.reshape({ inputShape: [784], targetShape: [28, 28, 1] }));
    model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 5, strides: 2, activation: 'relu' }));
    model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, activation: 'relu' }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  }
  model.add(tfl.layers.dense({ units: 10 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: tf.losses.softmaxCrossEntropy });
  return model;
}

/**
 * tfjs-layers `model.fit` on the same model, digits and batch size, the peer most tfjs users would
 * write, warmed up by `warmup` batches; `run(n)` fits one epoch of n batches (n ≤ `maxSteps`) and returns its seconds.
 */
export async function layersFitSession(o: { recipe: 'mlp' | 'cnn'; batchSize: number; warmup: number; maxSteps: number; backend: BackendName }) {
  await selectBackend(o.backend);
  const digits = loadMnistDigits();
  const rows = Math.max(o.warmup, o.maxSteps) * o.batchSize;
  const [x, y] = tf.tidy(() => {
    const all = tf.tensor2d(digits.x, [digits.n, 784]);
    const idx = tf.mod(tf.range(0, rows, 1, 'int32'), tf.scalar(digits.n, 'int32'));
    return [tf.gather(all, idx), tf.cast(tf.oneHot(tf.gather(tf.tensor1d(digits.y, 'int32'), idx), 10), 'float32')];
  });
  const model = layersModel(o.recipe);
  const fit = async (steps: number) => {
    const [sx, sy] = [tf.slice(x, 0, steps * o.batchSize), tf.slice(y, 0, steps * o.batchSize)];
    try {
      await model.fit(sx, sy, { batchSize: o.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    } finally {
      tf.dispose([sx, sy]);
    }
  };
  const dispose = () => {
    model.dispose();
    tf.dispose([x, y]);
  };
  try {
    if (o.warmup > 0) await fit(o.warmup);
  } catch (err) {
    dispose();
    throw err;
  }
  return {
    maxSteps: o.maxSteps,
    run: async (steps: number) => {
      if (steps > o.maxSteps) throw new Error(`layersFitSession: ${steps} steps asked, at most ${o.maxSteps} prepared`);
      const start = performance.now();
      await fit(steps);
      return (performance.now() - start) / 1000;
    },
    dispose,
  };
}
