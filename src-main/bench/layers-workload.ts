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

/** Throughput (samples/s) of tfjs-layers `model.fit` on the same model, data and batch size; the peer most tfjs users would write. */
export async function layersFitThroughput(o: { recipe: 'mlp' | 'cnn'; batchSize: number; steps: number; backend: BackendName }): Promise<number> {
  await selectBackend(o.backend);
  const digits = loadMnistDigits();
  const rows = o.steps * o.batchSize;
  const [x, y] = tf.tidy(() => {
    const all = tf.tensor2d(digits.x, [digits.n, 784]);
    const idx = tf.mod(tf.range(0, rows, 1, 'int32'), tf.scalar(digits.n, 'int32'));
    return [tf.gather(all, idx), tf.cast(tf.oneHot(tf.gather(tf.tensor1d(digits.y, 'int32'), idx), 10), 'float32')];
  });
  const model = layersModel(o.recipe);
  try {
    const [wx, wy] = [tf.slice(x, 0, o.batchSize * 2), tf.slice(y, 0, o.batchSize * 2)];
    await model.fit(wx, wy, { batchSize: o.batchSize, epochs: 1, verbose: 0 });
    tf.dispose([wx, wy]);
    const start = performance.now();
    await model.fit(x, y, { batchSize: o.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    return rows / ((performance.now() - start) / 1000);
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}
