import * as tf from '@tensorflow/tfjs-core';
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

/** What one training loop needs; the step function is the only thing callers vary. */
export interface LoopOptions {
  /** Number of training rows. */
  n: number;
  epochs: number;
  batchSize: number;
  seed: number;
  evalsPerEpoch: number;
  /** One optimizer step on these training rows; `step` counts from 1. Returns the batch loss. */
  step: (rows: Int32Array, step: number) => tf.Scalar;
  onProgress: (p: LoopProgress) => void;
  /** Called at each evaluation boundary with the mean loss since the previous one. */
  onEval: (step: number, epoch: number, meanLoss: number) => Promise<void> | void;
}

const REPORT_EVERY_MS = 250;

/** The total number of optimizer steps of a loop. */
export function totalSteps(n: number, batchSize: number, epochs: number): number {
  return Math.ceil(n / batchSize) * epochs;
}

/**
 * Mini-batch training over seeded per-epoch permutations. The loss stays on the backend and is
 * read back only at progress reports and evaluations, so steps do not wait on each other.
 */
export async function trainLoop(o: LoopOptions): Promise<void> {
  const stepsPerEpoch = Math.ceil(o.n / o.batchSize);
  const total = stepsPerEpoch * o.epochs;
  const evalSteps = new Set<number>();
  for (let e = 0; e < o.epochs; e++) {
    for (let k = 1; k <= o.evalsPerEpoch; k++) evalSteps.add(e * stepsPerEpoch + Math.round((k * stepsPerEpoch) / o.evalsPerEpoch));
  }
  const rng = new Rng(o.seed);
  const start = performance.now();
  let lastReport = start;
  let reportLoss = tf.scalar(0),
    reportSteps = 0;
  let evalLoss = tf.scalar(0),
    evalCount = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = rng.permutation(o.n);
      for (let b = 0; b < stepsPerEpoch; b++) {
        step++;
        const cost = o.step(order.subarray(b * o.batchSize, Math.min(o.n, (b + 1) * o.batchSize)), step);
        const [r, e] = [tf.add(reportLoss, cost), tf.add(evalLoss, cost)];
        tf.dispose([reportLoss, evalLoss, cost]);
        [reportLoss, evalLoss] = [r as tf.Scalar, e as tf.Scalar];
        reportSteps++;
        evalCount++;
        const now = performance.now();
        if (now - lastReport >= REPORT_EVERY_MS || step === total) {
          const elapsed = (now - start) / 1000;
          o.onProgress({
            step,
            totalSteps: total,
            epoch: epoch + 1,
            loss: reportLoss.dataSync()[0] / reportSteps,
            samplesPerSecond: (step * o.batchSize) / elapsed,
            etaSeconds: (elapsed / step) * (total - step),
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
  }
}
