import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, MethodChoice } from '../../src-shared/config';
import { selectBackend } from '../engine/backend';
import { correctness, disposeDevice, toDevice, type DeviceData } from '../engine/device-data';
import { loadMnistDigits } from '../engine/data/mnist-digits';
import { createMethod } from '../engine/methods/registry';
import { Model } from '../engine/models/model';
import { modelSpecFor } from '../engine/models/model-spec';
import type { ModelSpec } from '../engine/models/layers';
import { adam } from '../engine/optimizers/adam';
import { Rng } from '../engine/rng';
import { classification } from '../engine/tasks/classification';
import { makeTrainStep } from '../engine/train-step';
import { dataSchema, pretrainBudgetSchema } from '../../src-shared/config';

/** The built-in model of a recipe with a 10-way head, as the bench trains it. */
export function benchSpec(recipe: 'mlp' | 'cnn'): ModelSpec {
  return modelSpecFor(
    { recipe, init: 'glorot', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], data: dataSchema.parse({}), pretrain: pretrainBudgetSchema.parse({}) },
    null,
  );
}

/** Timed segments per measurement: the fastest is kept, so a burst of load from another process on a shared machine does not count. */
const SEGMENTS = 3;

/**
 * Seconds that `steps` calls of `step` take after `warmup` calls, waiting for the backend at both
 * ends: the steps run in SEGMENTS equal parts and the fastest part, scaled up, is reported.
 */
export function timeSteps(step: (i: number) => tf.Scalar, warmup: number, steps: number): number {
  const run = (from: number, n: number) => {
    let last: tf.Scalar | null = null;
    for (let i = 0; i < n; i++) {
      last?.dispose();
      last = step(from + i);
    }
    last?.dataSync();
    last?.dispose();
  };
  run(1, warmup);
  const per = Math.max(1, Math.floor(steps / SEGMENTS));
  let best = Infinity;
  for (let k = 0; k < SEGMENTS; k++) {
    const start = performance.now();
    run(warmup + 1 + k * per, per);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return (best * steps) / per;
}

/** Our engine's training throughput (samples/s) on the real digits: the trainer's own step function. */
export async function engineTrainThroughput(o: {
  recipe: 'mlp' | 'cnn';
  batchSize: number;
  steps: number;
  warmup: number;
  backend: BackendName;
  method?: MethodChoice;
}): Promise<number> {
  await selectBackend(o.backend);
  const data = toDevice(loadMnistDigits());
  const spec = benchSpec(o.recipe);
  const model = new Model(spec, 0);
  const theta0 = model.snapshot();
  const theta0Tensors = new Map([...model.params].map(([name, v]) => [name, tf.clone(v)]));
  const hooks = createMethod(o.method ?? { id: 'vanilla', params: {}, with: [] }, tf);
  const optimizer = adam(1e-3);
  try {
    await hooks.beforeTraining?.({
      model,
      createBaseModel: () => new Model(spec, 0, theta0),
      theta0,
      theta0Tensors,
      pretrainPool: data,
      targetTrain: data,
      sameHead: true,
      task: classification,
      learningRate: 1e-3,
      batchSize: o.batchSize,
      totalSteps: o.warmup + o.steps,
      seed: 0,
      log: () => {},
    });
    const all = [...model.params.keys()];
    const kept = hooks.trainable ? hooks.trainable(all) : all;
    model.setTrainable(kept.length === all.length ? null : kept);
    const variables = [...kept.map((n) => model.params.get(n)!), ...(hooks.variables?.() ?? []).map((v) => v.variable)];
    const step = makeTrainStep({ model, task: classification, hooks, optimizer, variables, targetTrain: data, pretrainPool: data });
    const order = new Rng(1).permutation(data.n);
    const batch = (i: number) => {
      const start = ((i - 1) * o.batchSize) % (data.n - o.batchSize);
      return order.subarray(start, start + o.batchSize);
    };
    const seconds = timeSteps((i) => step(batch(i), i), o.warmup, o.steps);
    return (o.steps * o.batchSize) / seconds;
  } finally {
    hooks.dispose?.();
    optimizer.dispose();
    model.dispose();
    tf.dispose([...theta0Tensors.values()]);
    disposeDevice(data);
  }
}

/** Our engine's evaluation throughput: per-sample correctness of `rows` digits (samples/s). */
export async function engineEvalThroughput(backend: BackendName, repeats: number): Promise<number> {
  await selectBackend(backend);
  const data: DeviceData = toDevice(loadMnistDigits());
  const model = new Model(benchSpec('mlp'), 0);
  try {
    correctness(data, (x) => model.logits(x, 'pretrain'));
    const start = performance.now();
    for (let i = 0; i < repeats; i++) correctness(data, (x) => model.logits(x, 'pretrain'));
    return (repeats * data.n) / ((performance.now() - start) / 1000);
  } finally {
    model.dispose();
    disposeDevice(data);
  }
}
