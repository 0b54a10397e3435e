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

/** Where a loop stands after a step: enough to continue it exactly (part of a resume point). */
export interface LoopState {
  /** Steps done. */
  step: number;
  /** The batch-order generator's state before drawing the permutation the next step's batch comes from. */
  rng: number;
  /** Sums (float32, as accumulated on the backend) and counts of the batch losses since the last evaluation and the last progress report. */
  evalLoss: number;
  evalSteps: number;
  reportLoss: number;
  reportSteps: number;
}

/** When and how a loop saves where it stands; `due` is asked after every step (and its evaluation). */
export interface LoopCheckpoint {
  due: (step: number) => boolean;
  save: (state: LoopState) => void;
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
  /** Continue after this state instead of from the start. */
  resume?: LoopState;
  checkpoint?: LoopCheckpoint;
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
  const from = o.resume ?? { step: 0, rng: rng.getState(), evalLoss: 0, evalSteps: 0, reportLoss: 0, reportSteps: 0 };
  if (from.step > total) throw new Error(`resume point is at step ${from.step} of a loop of ${total} steps`);
  rng.setState(from.rng);
  const start = performance.now();
  let lastReport = start;
  let reportLoss = tf.scalar(from.reportLoss),
    reportSteps = from.reportSteps;
  let evalLoss = tf.scalar(from.evalLoss),
    evalCount = from.evalSteps;
  // The rng state the current epoch's permutation was drawn from: a resume point mid-epoch draws it again.
  let epochRng = from.rng;
  let order: Int32Array | null = null;
  try {
    for (let step = from.step + 1; step <= total; step++) {
      const epoch = Math.floor((step - 1) / stepsPerEpoch);
      const b = (step - 1) % stepsPerEpoch;
      if (b === 0 || !order) {
        epochRng = rng.getState();
        order = rng.permutation(o.n);
      }
      const cost = o.step(order.subarray(b * o.batchSize, Math.min(o.n, (b + 1) * o.batchSize)), step);
      const [r, e] = [tf.add(reportLoss, cost), tf.add(evalLoss, cost)];
      tf.dispose([reportLoss, evalLoss, cost]);
      [reportLoss, evalLoss] = [r as tf.Scalar, e as tf.Scalar];
      reportSteps++;
      evalCount++;
      const now = performance.now();
      if (now - lastReport >= REPORT_EVERY_MS || step === total) {
        const elapsed = (now - start) / 1000;
        const done = step - from.step;
        o.onProgress({
          step,
          totalSteps: total,
          epoch: epoch + 1,
          loss: reportLoss.dataSync()[0] / reportSteps,
          samplesPerSecond: (done * o.batchSize) / elapsed,
          etaSeconds: (elapsed / done) * (total - step),
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
      if (o.checkpoint?.due(step)) {
        o.checkpoint.save({
          step,
          // After an epoch's last batch the next step draws a new permutation from the generator as it is now.
          rng: step % stepsPerEpoch === 0 ? rng.getState() : epochRng,
          evalLoss: evalLoss.dataSync()[0],
          evalSteps: evalCount,
          reportLoss: reportLoss.dataSync()[0],
          reportSteps,
        });
      }
    }
  } finally {
    tf.dispose([reportLoss, evalLoss]);
  }
}
