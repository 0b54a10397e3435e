import * as tf from '@tensorflow/tfjs-core';
import type { TrainSet } from './device-data';
import { Rng } from './rng';

/** Where a training loop stands, reported at most a few times a second. */
export interface LoopProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  /** Mean loss since the last report. */
  loss: number;
  samplesPerSecond: number;
  etaSeconds: number;
}

/** What one training loop needs; the loss closure is the only thing a caller varies. */
export interface LoopOptions {
  data: TrainSet;
  trainable: tf.Variable[];
  /** Batch loss from inputs [b, d] and one-hot labels [b, k]. */
  loss: (x: tf.Tensor2D, yOneHot: tf.Tensor2D) => tf.Scalar;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  evalsPerEpoch: number;
  onProgress: (p: LoopProgress) => void;
  /** Called at each evaluation boundary with the mean loss since the previous one. */
  onEval: (step: number, epoch: number, meanLoss: number) => Promise<void> | void;
}

const REPORT_EVERY_MS = 250;

/**
 * Mini-batch training with Adam (TF.js form: ε = 1e-7 added to the bias-corrected √v̂).
 * Batches are gathered on the backend from seeded per-epoch permutations; the loss stays on the
 * backend and is read back only at progress reports and evaluations.
 */
export async function trainLoop(o: LoopOptions): Promise<void> {
  const n = o.data.n;
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const evalSteps = new Set<number>();
  for (let e = 0; e < o.epochs; e++) {
    for (let k = 1; k <= o.evalsPerEpoch; k++) evalSteps.add(e * stepsPerEpoch + Math.round((k * stepsPerEpoch) / o.evalsPerEpoch));
  }
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-7);
  const rng = new Rng(o.seed);
  const start = performance.now();
  let lastReport = start;
  let reportLoss = tf.scalar(0), reportSteps = 0;
  let evalLoss = tf.scalar(0), evalCount = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = rng.permutation(n);
      for (let b = 0; b < stepsPerEpoch; b++) {
        const idx = tf.tensor1d(order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize)), 'int32');
        const cost = optimizer.minimize(
          () => o.loss(tf.gather(o.data.x, idx), tf.gather(o.data.yOneHot, idx)),
          true,
          o.trainable,
        )!;
        idx.dispose();
        const [r, e] = [tf.add(reportLoss, cost), tf.add(evalLoss, cost)];
        tf.dispose([reportLoss, evalLoss, cost]);
        [reportLoss, evalLoss] = [r as tf.Scalar, e as tf.Scalar];
        reportSteps++;
        evalCount++;
        step++;
        const now = performance.now();
        if (now - lastReport >= REPORT_EVERY_MS || step === totalSteps) {
          const elapsed = (now - start) / 1000;
          o.onProgress({
            step,
            totalSteps,
            epoch: epoch + 1,
            loss: reportLoss.dataSync()[0] / reportSteps,
            samplesPerSecond: (step * o.batchSize) / elapsed,
            etaSeconds: (elapsed / step) * (totalSteps - step),
          });
          reportLoss.dispose();
          reportLoss = tf.scalar(0);
          reportSteps = 0;
          lastReport = now;
          // Let queued IPC messages out.
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (evalSteps.has(step)) {
          const meanLoss = evalLoss.dataSync()[0] / evalCount;
          evalLoss.dispose();
          evalLoss = tf.scalar(0);
          evalCount = 0;
          await o.onEval(step, epoch + 1, meanLoss);
        }
      }
    }
  } finally {
    tf.dispose([reportLoss, evalLoss]);
    optimizer.dispose();
  }
}
