import * as tf from '@tensorflow/tfjs-core';
import { correctness, mean01, type DeviceData } from './device-data';
import type { Model } from './models/model';
import { Rng } from './rng';
import { trainLoop } from './train-loop';
import { adam } from './optimizers/adam';
import { matMul } from './ops';

/** What the new target head reads of every row (after its own layers: a language model's classifier pools the positions), a chunk at a time. */
function featuresOf(model: Model, data: DeviceData): tf.Tensor2D {
  const chunk = model.evalChunk;
  // One chunk is read as it is, without a copy.
  if (data.n <= chunk) return tf.tidy(() => model.headFeatures(data.x, 'target'));
  const chunks: tf.Tensor2D[] = [];
  for (let start = 0; start < data.n; start += chunk)
    chunks.push(tf.tidy(() => model.headFeatures(tf.slice(data.x, [start, 0], [Math.min(chunk, data.n - start), -1]), 'target')));
  const all = tf.concat(chunks);
  tf.dispose(chunks);
  return all;
}

// A probe is a convex problem on fixed features and cheap to train: train it well (more epochs
// and a larger step than the fine-tuning budget) so the gain baseline is not flattered.
const PROBE_MIN_EPOCHS = 20;
const PROBE_LR_FACTOR = 5;

/**
 * Target accuracy of a linear probe on θ₀ (a new head trained on frozen base features): the
 * target-gain baseline when the target has its own label space and A_tgt(θ₀) is undefined.
 */
export async function probeBaselineAccuracy(
  model: Model,
  train: DeviceData,
  evalSet: DeviceData,
  budget: { epochs: number; batchSize: number; learningRate: number; seed: number },
): Promise<number> {
  const trainFeatures = featuresOf(model, train);
  const evalFeatures = featuresOf(model, evalSet);
  const [f, k] = [trainFeatures.shape[1], train.source.classes.length];
  const rng = new Rng(budget.seed + 101);
  const limit = Math.sqrt(6 / (f + k));
  const [kernel, bias] = tf.tidy(() => [
    tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: f * k }, () => rng.uniform(-limit, limit)),
        [f, k],
      ),
    ),
    tf.variable(tf.zeros([k])),
  ]);
  try {
    const probe = (x: tf.Tensor2D, trainGrad: boolean) => tf.add(matMul(x, kernel as tf.Tensor2D, { a: false, b: trainGrad }), bias) as tf.Tensor2D;
    const optimizer = adam(budget.learningRate * PROBE_LR_FACTOR);
    try {
      await trainLoop({
        n: train.n,
        epochs: Math.max(PROBE_MIN_EPOCHS, budget.epochs),
        batchSize: budget.batchSize,
        seed: budget.seed + 101,
        evalsPerEpoch: 1,
        step: (rows) =>
          optimizer.minimize(() => {
            const idx = tf.tensor1d(rows, 'int32');
            return tf.losses.softmaxCrossEntropy(tf.gather(train.targets, idx), probe(tf.gather(trainFeatures, idx), true)) as tf.Scalar;
          }, [kernel, bias]),
        onProgress: () => {},
        onEval: () => {},
      });
    } finally {
      optimizer.dispose();
    }
    const hits = correctness({ n: evalSet.n, x: evalFeatures, y: evalSet.y }, (x) => probe(x, false));
    return mean01(hits);
  } finally {
    tf.dispose([trainFeatures, evalFeatures, kernel, bias]);
  }
}
