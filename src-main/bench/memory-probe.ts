import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { selectBackend } from '../engine/backend';
import { disposeDevice, toDevice } from '../engine/device-data';
import { loadMnistDigits } from '../engine/data/mnist-digits';
import type { Dataset } from '../engine/data/dataset';
import { createMethod } from '../engine/methods/registry';
import { Model } from '../engine/models/model';
import { adam } from '../engine/optimizers/adam';
import { classification } from '../engine/tasks/classification';
import { sameTask } from '../engine/tasks/task';
import { makeTrainStep } from '../engine/train-step';
import { benchSpec, runSteps } from './engine-workload';

/** The digits repeated to `rows` samples of 784 floats (a 60,000-row set like full MNIST). */
function repeatedDigits(rows: number): Dataset {
  const digits = loadMnistDigits();
  const x = new Float32Array(rows * 784);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    x.set(digits.x.subarray((i % digits.n) * 784, ((i % digits.n) + 1) * 784), i * 784);
    y[i] = digits.y[i % digits.n];
  }
  return { ...digits, x, y, n: rows };
}

/** In this process: trains the MLP on `rows` samples and prints the peak resident set size (MB) as JSON. */
export async function memoryProbe(rows: number, steps: number): Promise<void> {
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  await selectBackend('wasm');
  const data = toDevice(repeatedDigits(rows));
  sample();
  const model = new Model(benchSpec('mlp'), 0);
  const optimizer = adam(1e-3);
  const hooks = createMethod({ id: 'vanilla', params: {}, with: [] }, tf);
  const step = makeTrainStep({
    model,
    tasks: sameTask(classification),
    hooks,
    optimizer,
    variables: [...model.params.values()],
    targetTrain: data,
    pretrainPool: data,
  });
  runSteps(
    (i) => {
      const cost = step(
        Int32Array.from({ length: 128 }, (_, k) => (i * 128 + k) % rows),
        i,
      );
      sample();
      return cost;
    },
    1,
    2 + steps,
  );
  optimizer.dispose();
  model.dispose();
  disposeDevice(data);
  process.stdout.write(`${JSON.stringify({ rows, peakRssMB: peak / 2 ** 20 })}\n`);
}

/** Runs the memory probe in a fresh process (so other workloads do not inflate its peak). */
export function measurePeakMemory(rows: number, steps: number): { rows: number; peakRssMB: number } {
  const cli = join(__dirname, 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'bench', '--memory-probe', String(rows), '--steps', String(steps)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`memory probe failed: ${run.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}
