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
import { sameTask } from '../engine/tasks/task';
import { makeTrainStep } from '../engine/train-step';
import { dataSchema, pretrainBudgetSchema } from '../../src-shared/config';
import type { StepSession } from './hf-workload';

/** The built-in model of a recipe with a 10-way head, as the bench trains it. */
export function benchSpec(recipe: 'mlp' | 'cnn'): ModelSpec {
  return modelSpecFor(
    { recipe, init: 'glorot', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], data: dataSchema.parse({}), pretrain: pretrainBudgetSchema.parse({}) },
    null,
  );
}

/** Runs `n` calls of `step` (numbered from `from`) and waits for the backend to finish the last. */
export function runSteps(step: (i: number) => tf.Scalar, from: number, n: number): void {
  let last: tf.Scalar | null = null;
  for (let i = 0; i < n; i++) {
    last?.dispose();
    last = step(from + i);
  }
  last?.dataSync();
  last?.dispose();
}

/** Seconds that `run` takes. */
function seconds(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/**
 * Our engine's training step on the real digits (the trainer's own step function), warmed up by
 * `warmup` steps; `data` shares one device copy of the digits between sessions (the caller disposes it).
 * `totalSteps` is what the method's schedule is told (RecAdam's annealing, mix-cd's oracle).
 */
export async function engineTrainSession(o: {
  recipe: 'mlp' | 'cnn';
  batchSize: number;
  warmup: number;
  totalSteps: number;
  backend: BackendName;
  method?: MethodChoice;
  data?: DeviceData;
}): Promise<StepSession> {
  await selectBackend(o.backend);
  const data = o.data ?? toDevice(loadMnistDigits());
  const spec = benchSpec(o.recipe);
  const model = new Model(spec, 0);
  const theta0 = model.snapshot();
  const theta0Tensors = new Map([...model.params].map(([name, v]) => [name, tf.clone(v)]));
  const hooks = createMethod(o.method ?? { id: 'vanilla', params: {}, with: [] }, tf);
  const optimizer = adam(1e-3);
  const dispose = () => {
    hooks.dispose?.();
    optimizer.dispose();
    model.dispose();
    tf.dispose([...theta0Tensors.values()]);
    if (!o.data) disposeDevice(data);
  };
  try {
    await hooks.beforeTraining?.({
      model,
      createBaseModel: () => new Model(spec, 0, theta0),
      theta0,
      theta0Tensors,
      pretrainPool: data,
      targetTrain: data,
      sameHead: true,
      tasks: sameTask(classification),
      learningRate: 1e-3,
      batchSize: o.batchSize,
      totalSteps: o.totalSteps,
      seed: 0,
      log: () => {},
    });
    const all = [...model.params.keys()];
    const kept = hooks.trainable ? hooks.trainable(all) : all;
    model.setTrainable(kept.length === all.length ? null : kept);
    const variables = [...kept.map((n) => model.params.get(n)!), ...(hooks.variables?.() ?? []).map((v) => v.variable)];
    const step = makeTrainStep({ model, tasks: sameTask(classification), hooks, optimizer, variables, targetTrain: data, pretrainPool: data });
    const order = new Rng(1).permutation(data.n);
    const batch = (i: number) => {
      const start = ((i - 1) * o.batchSize) % (data.n - o.batchSize);
      return order.subarray(start, start + o.batchSize);
    };
    const train = (i: number) => step(batch(i), i);
    let done = 0;
    runSteps(train, 1, o.warmup);
    done += o.warmup;
    return {
      run: (n) =>
        seconds(() => {
          runSteps(train, done + 1, n);
          done += n;
        }),
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Our engine's evaluation of the first `rows` digits (per-sample correctness, MLP): one step is one full pass. */
export async function engineEvalSession(backend: BackendName, warmup: number, rows: number): Promise<StepSession> {
  await selectBackend(backend);
  const digits = loadMnistDigits();
  if (rows > digits.n) throw new Error(`engineEvalSession: ${rows} rows asked, the digits have ${digits.n}`);
  const data: DeviceData = toDevice({ ...digits, x: digits.x.subarray(0, rows * 784), y: digits.y.subarray(0, rows), n: rows });
  const model = new Model(benchSpec('mlp'), 0);
  const dispose = () => {
    model.dispose();
    disposeDevice(data);
  };
  const pass = (n: number) => {
    for (let i = 0; i < n; i++) correctness(data, (x) => model.logits(x, 'pretrain'));
  };
  try {
    pass(warmup);
  } catch (err) {
    dispose();
    throw err;
  }
  return { run: (n) => seconds(() => pass(n)), dispose };
}
