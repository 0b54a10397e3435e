import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getImportedModel, listImportedModelSummaries } from '../../src-main/db/imported-models';
import type { Db } from '../../src-main/db/types';
import { toDevice } from '../../src-main/engine/device-data';
import { selectBackend } from '../../src-main/engine/backend';
import { lora } from '../../src-main/engine/methods/lora';
import type { TrainingSetup } from '../../src-main/engine/methods/method';
import { decodeCheckpoint } from '../../src-main/engine/models/checkpoint';
import { modelSpecFor } from '../../src-main/engine/models/model-spec';
import { Model } from '../../src-main/engine/models/model';
import { adam } from '../../src-main/engine/optimizers/adam';
import { Rng } from '../../src-main/engine/rng';
import { classification } from '../../src-main/engine/tasks/classification';
import { sameTask } from '../../src-main/engine/tasks/task';
import { makeTrainStep } from '../../src-main/engine/train-step';
import { importDatasetAt } from '../../src-main/import/dataset-import';
import { importModelAt } from '../../src-main/import/models/model-import';
import { validateStudy } from '../../src-main/services/api-service';
import { lookUpLibrary } from '../../src-main/services/library-study';
import { resolveStudy } from '../../src-main/services/resolve-study';
import type { ImportedModelSummary } from '../../src-shared/datasets';
import type { BaseModelSpec } from '../../src-shared/config';
import { tinyStudy } from './helpers';
import { tempStores } from './import-helpers';
import { layerZoo, mobileNetV2, resNet, saveModel, tokenClassifier, trainedLookingNorms } from './keras-graphs';

const store = tempStores();
const FIXTURES = join(__dirname, '..', 'fixtures');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded values in [lo, hi): the batch every comparison runs on. */
function uniform(shape: number[], lo: number, hi: number, seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)),
    shape,
  );
}

/**
 * Saves a tfjs-layers model, imports it into the store through the real import path; `build` makes
 * the engine's model from what was stored (on the current backend), as a run's base-model spec
 * names it (with the study's baseModel.batchNorm when given).
 */
async function importBuilt(db: Db, dir: string, model: tfl.LayersModel, batchNorm?: 'update'): Promise<{ summary: ImportedModelSummary; build: () => Model }> {
  trainedLookingNorms(model, 5);
  const folder = await saveModel(model, join(dir, 'exports', model.name));
  const summary = await importModelAt(db, folder, `model-${model.name}`);
  const stored = getImportedModel(db, summary.id)!;
  const { inputShape, backbone, headUnits, frozen } = stored.engineSpec;
  const base = {
    recipe: 'imported',
    imported: { id: summary.id, inputShape, backbone, headUnits, frozen, ...(batchNorm ? { batchNorm } : {}) },
  } as BaseModelSpec;
  const spec = modelSpecFor(base, null);
  return { summary, build: () => new Model(spec, 0, decodeCheckpoint({ manifest: stored.manifest, data: stored.weights })) };
}

/** Class probabilities, the mean cross-entropy and its gradient per engine weight name, in JS memory. */
interface Outputs {
  probs: Float32Array;
  loss: number;
  grads: Map<string, Float32Array>;
}

/** tfjs-layers' predict, and tf.variableGrads of the cross-entropy on the LayersModel in inference mode, keyed by the engine's names (the head's as head/…); `skip` names layers tfjs cannot differentiate. */
function reference(model: tfl.LayersModel, headLayer: string, x: tf.Tensor, y: tf.Tensor2D, skip: string[] = []): Outputs {
  const variables = new Map<string, tf.Variable>();
  for (const layer of model.layers.filter((l) => !skip.includes(l.name)))
    for (const w of layer.trainableWeights) {
      const weight = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      variables.set(`${layer.name === headLayer ? 'head' : layer.name}/${weight}`, w.read() as tf.Variable);
    }
  const probs = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: false }) as tf.Tensor;
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(p)), 1))) as tf.Scalar;
  }, [...variables.values()]);
  const out = { probs, loss: value.dataSync()[0], grads: new Map([...variables].map(([name, v]) => [name, grads[v.name].dataSync() as Float32Array])) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** The engine's softmax(logits), and tf.variableGrads of its cross-entropy over every weight but the batch-norm statistics. */
function engineOutputs(engine: Model, x: tf.Tensor, y: tf.Tensor2D): Outputs {
  const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
  const probs = tf.tidy(() => tf.softmax(engine.logits(flat, 'pretrain')).dataSync() as Float32Array);
  const names = [...engine.params.keys()].filter((name) => !engine.statistics.has(name));
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, engine.logits(flat, 'pretrain')) as tf.Scalar,
    names.map((name) => engine.params.get(name)!),
  );
  const out = {
    probs,
    loss: value.dataSync()[0],
    grads: new Map(names.map((name) => [name, grads[engine.params.get(name)!.name].dataSync() as Float32Array])),
  };
  tf.dispose([flat, value, ...Object.values(grads)]);
  return out;
}

/** Predictions within 1e-4; every gradient within 1e-4 of the reference's norm (relative; an all-but-zero one absolutely). */
function expectSame(ours: Outputs, theirs: Outputs, engineWeights: number): void {
  expect(ours.probs.length).toBe(theirs.probs.length);
  expect(Math.max(...ours.probs.map((p, i) => Math.abs(p - theirs.probs[i])))).toBeLessThan(1e-4);
  expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-5);
  expect(ours.grads.size).toBe(engineWeights);
  for (const [name, g] of theirs.grads) {
    const mine = ours.grads.get(name);
    expect(mine, name).toBeDefined();
    let error = 0;
    let scale = 0;
    g.forEach((v, i) => {
      error += (mine![i] - v) ** 2;
      scale += v * v;
    });
    expect(Math.sqrt(error) / Math.max(Math.sqrt(scale), 1e-3), name).toBeLessThan(1e-4);
  }
}

/** Largest |a − b| over two tensors' values. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** One-hot labels. */
const oneHot = (labels: number[], classes: number) => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as tf.Tensor2D;

/** Reference on cpu, then the engine on cpu and on wasm (whose convolutions take the other path: no filter-gradient kernels there). */
async function expectParity(build: () => Model, model: tfl.LayersModel, summary: ImportedModelSummary, x: tf.Tensor, labels: number[], skip: string[] = []) {
  const y = oneHot(labels, summary.classes);
  const theirs = reference(model, summary.headLayer, x, y, skip);
  try {
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      const engine = build();
      const weights = [...engine.params.keys()].filter((name) => !engine.statistics.has(name)).length;
      expect(weights).toBe(theirs.grads.size + skip.reduce((n, l) => n + model.getLayer(l).trainableWeights.length, 0));
      // Inputs made on the backend under test (tensors made on cpu and moved gave a wrong loss under wasm here).
      const [xs, ys] = [tf.tensor(x.dataSync(), x.shape), tf.tensor(y.dataSync(), y.shape)];
      const ours = engineOutputs(engine, xs, ys as tf.Tensor2D);
      tf.dispose([xs, ys]);
      expectSame(ours, theirs, weights);
      engine.dispose();
    }
  } finally {
    await selectBackend('cpu');
    y.dispose();
  }
}

describe('Keras functional models as TensorFlow.js exports', () => {
  it('MobileNetV2 (α = 0.35, 96×96×3, 10 classes): imported as a graph, predictions and gradients equal tfjs-layers, LoRA on the 1×1 convolutions fine-tunes', async () => {
    const { db, dir } = store();
    const model = mobileNetV2(0.35, 96, 10);
    const { summary, build } = await importBuilt(db, dir, model);
    expect(summary).toMatchObject({ name: 'mobilenetv2_0.35_96', inputShape: [96, 96, 3], headLayer: 'predictions', classes: 10 });
    expect(summary.paramCount).toBe(model.countParams());
    expect(summary.layers.filter((l) => l.className === 'Add')).toHaveLength(10);
    expect(summary.warnings.join(' ')).toMatch(/52 BatchNormalization layers keep their moving statistics frozen/);

    const x = uniform([2, 96, 96, 3], -1, 1, 1);
    await expectParity(build, model, summary, x, [3, 7]);

    // A few LoRA steps on the 1×1 convolutions (expand, project and the last conv), heads trained in full.
    await selectBackend('wasm');
    const engine = build();
    const hooks = lora.create({ tf, params: lora.params.parse({ layers: 'pointwise', head: 'train', rank: 4 }) });
    hooks.beforeTraining!({ model: engine, seed: 1, log: () => {} } as unknown as TrainingSetup);
    const pointwise = model.layers.filter((l) => l.getClassName() === 'Conv2D' && (l.getConfig() as { kernelSize: number[] }).kernelSize.join() === '1,1');
    expect([...engine.adapters.keys()].sort()).toEqual(pointwise.map((l) => l.name).sort());
    expect(engine.adapters.size).toBe(16 + 17 + 1);
    const names = hooks.trainable!([...engine.params.keys()].filter((name) => !engine.statistics.has(name)));
    engine.setTrainable(names);
    const statistics = engine.params.get('block_3_expand_BN/moving_mean')!.dataSync().slice();
    const rng = new Rng(2);
    const data = toDevice({
      name: 'images',
      x: Float32Array.from({ length: 6 * 96 * 96 * 3 }, () => rng.uniform(-1, 1)),
      y: Int32Array.from([0, 1, 2, 3, 4, 5]),
      n: 6,
      shape: [96, 96, 3],
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    const step = makeTrainStep({
      model: engine,
      tasks: sameTask(classification),
      hooks,
      optimizer: adam(1e-3),
      variables: [...names.map((name) => engine.params.get(name)!), ...hooks.variables!().map((v) => v.variable)],
      targetTrain: data,
      pretrainPool: data,
    });
    const losses: number[] = [];
    let tensors = 0;
    for (let i = 0; i < 4; i++) {
      const loss = step(Int32Array.from([(2 * i) % 6, (2 * i + 1) % 6]), i);
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      // The optimizer's moments appear on the first step; after it nothing may accumulate.
      if (i === 0) tensors = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Array.from(engine.params.get('block_3_expand_BN/moving_mean')!.dataSync())).toEqual(Array.from(statistics));
    hooks.afterTraining!({ model: engine, theta0: new Map(), evaluate: () => ({}) as never });
    expect(engine.adapters.size).toBe(0);
    engine.dispose();
    tf.dispose([data.x, data.y, data.targets]);
    await selectBackend('cpu');
    model.dispose();
    x.dispose();
  }, 600_000);

  it('a ResNet-style model (residual blocks with batch norm, projection shortcuts, rescaling, max pooling, dropout): predictions and gradients equal tfjs-layers', async () => {
    const { db, dir } = store();
    const model = resNet(32, 5);
    const { summary, build } = await importBuilt(db, dir, model);
    expect(summary.layers.find((l) => l.name === 'drop')!.role).toBe('skipped');
    expect(summary.layers.find((l) => l.name === 'head')!.role).toBe('head');
    const x = uniform([3, 32, 32, 3], 0, 255, 3);
    await expectParity(build, model, summary, x, [0, 4, 2]);
    model.dispose();
    x.dispose();
  });

  it("with batchNorm 'update' a training step normalises with batch statistics and moves the moving statistics as tfjs-layers' trainOnBatch does", async () => {
    const { db, dir } = store();
    const model = resNet(16, 3);
    const engine = (await importBuilt(db, dir, model, 'update')).build();
    const x = uniform([4, 16, 16, 3], 0, 255, 4);
    const labels = [0, 1, 2, 1];
    // A learning rate of 0: only the statistics move, in both.
    model.compile({ optimizer: tf.train.sgd(0), loss: 'categoricalCrossentropy' });
    const y = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32');
    await model.trainOnBatch(x, y);
    const data = toDevice({ name: 'images', x: x.dataSync() as Float32Array, y: Int32Array.from(labels), n: 4, shape: [16, 16, 3], classes: [0, 1, 2] });
    const names = [...engine.params.keys()].filter((name) => !engine.statistics.has(name));
    const step = makeTrainStep({
      model: engine,
      tasks: sameTask(classification),
      hooks: {},
      optimizer: adam(0),
      variables: names.map((name) => engine.params.get(name)!),
      targetTrain: data,
      pretrainPool: data,
    });
    step(Int32Array.from([0, 1, 2, 3]), 0).dispose();
    expect(engine.training).toBe(false);
    for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
      const [mean, variance] = layer.getWeights().slice(-2);
      expect(maxDiff(engine.params.get(`${layer.name}/moving_mean`)!, mean), layer.name).toBeLessThan(1e-4);
      expect(maxDiff(engine.params.get(`${layer.name}/moving_variance`)!, variance), layer.name).toBeLessThan(1e-4);
    }
    engine.dispose();
    model.dispose();
    tf.dispose([x, y, data.x, data.y, data.targets]);
  });

  it('every other layer (dilated, separable, depthwise ×2, average pooling, Concatenate, Multiply, Reshape, layer norm, swish/gelu/tanh/sigmoid/relu6, a Softmax layer): predictions and gradients equal tfjs-layers', async () => {
    const { db, dir } = store();
    const model = layerZoo(12, 4);
    const { summary, build } = await importBuilt(db, dir, model);
    expect(summary.headLayer).toBe('logits');
    const x = uniform([2, 12, 12, 3], -1, 1, 5);
    // tfjs has no gradient for a dilated conv2d: the first layer's own gradient has no reference (its output's is checked through the rest).
    await expectParity(build, model, summary, x, [1, 3], ['dilated']);
    model.dispose();
    x.dispose();
  });

  it('an Embedding model over token ids: predictions and gradients equal tfjs-layers', async () => {
    const { db, dir } = store();
    const model = tokenClassifier(6, 20, 3);
    const { summary, build } = await importBuilt(db, dir, model);
    expect(summary.inputShape).toEqual([1, 6, 1]);
    const x = tf.tensor2d([
      [1, 5, 19, 0, 3, 3],
      [7, 7, 2, 11, 18, 4],
    ]);
    await expectParity(build, model, summary, x, [2, 0]);
    model.dispose();
    x.dispose();
  });

  it('a Sequential model with batch norm and same padding runs as a graph, and a new target head reads its pooled features', async () => {
    const { db, dir } = store();
    const model = tfl.sequential({
      name: 'sequential_bn',
      layers: [
        tfl.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'conv' }),
        tfl.layers.batchNormalization({ name: 'bn' }),
        tfl.layers.activation({ activation: 'relu', name: 'relu' }),
        tfl.layers.globalAveragePooling2d({ name: 'gap' }),
        tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    const { summary, build } = await importBuilt(db, dir, model);
    const stored = getImportedModel(db, summary.id)!;
    expect(stored.engineSpec.backbone.map((l) => (l as { kind: string }).kind)).toEqual(['graph']);
    const x = uniform([2, 10, 10, 1], 0, 1, 6);
    await expectParity(build, model, summary, x, [2, 1]);
    const base = { recipe: 'imported', imported: { id: summary.id, ...stored.engineSpec } } as BaseModelSpec;
    const withTarget = new Model(modelSpecFor(base, 5), 0, decodeCheckpoint({ manifest: stored.manifest, data: stored.weights }));
    expect(withTarget.params.get('target_head/kernel')!.shape).toEqual([4, 5]);
    expect(tf.tidy(() => withTarget.logits(tf.reshape(x, [2, -1]) as tf.Tensor2D, 'target').shape)).toEqual([2, 5]);
    withTarget.dispose();
    model.dispose();
    x.dispose();
  });

  it("a study's baseModel.batchNorm = 'update' reaches its runs' imported architecture and the engine's graph layer; absent, batch norm stays frozen", async () => {
    const { db, dir } = store();
    const model = tfl.sequential({
      name: 'digits_bn',
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, padding: 'same', name: 'conv' }),
        tfl.layers.batchNormalization({ name: 'bn' }),
        tfl.layers.flatten({ name: 'flat' }),
        tfl.layers.dense({ units: 3, name: 'out' }),
      ],
    });
    const { summary } = await importBuilt(db, dir, model);
    const digits = await importDatasetAt(db, join(FIXTURES, 'import', 'digits8.npz'), { name: 'digits' }, 'ds-digits');
    const graphOf = (batchNorm?: 'update') => {
      const study = validateStudy(
        tinyStudy({
          data: { source: 'library', pretrain: digits.id },
          target: { task: 'dataset', dataset: digits.id },
          baseModel: { recipe: 'mlp', imported: summary.id, ...(batchNorm ? { batchNorm } : {}) },
        }),
      );
      const [run] = resolveStudy(study, lookUpLibrary(db, study).library).runs;
      const layer = modelSpecFor(run.baseModel, null).backbone[0];
      return { imported: run.baseModel.imported!, layer: layer.kind === 'graph' ? layer : null };
    };
    const update = graphOf('update');
    expect(update.imported.batchNorm).toBe('update');
    expect(update.layer!.batchNorm).toBe('update');
    const frozen = graphOf();
    expect(frozen.imported).not.toHaveProperty('batchNorm');
    expect(frozen.layer!.batchNorm).toBeUndefined();
    model.dispose();
  });

  it('refuses a layer it cannot run by name, class and what is supported, and stores nothing', async () => {
    const { db, dir } = store();
    /** A model: a convolution, then `layer`, a Flatten and a Dense head. */
    const around = (layer: tfl.layers.Layer, name: string) => {
      const input = tfl.input({ shape: [8, 8, 2] });
      const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'c' }).apply(input) as tfl.SymbolicTensor;
      const out = layer.apply(conv) as tfl.SymbolicTensor;
      const flat = out.shape.length > 2 ? (tfl.layers.flatten().apply(out) as tfl.SymbolicTensor) : out;
      return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, name: 'out' }).apply(flat) as tfl.SymbolicTensor, name });
    };
    const maxPool = around(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), 'gmp');
    await expect(importModelAt(db, await saveModel(maxPool, join(dir, 'gmp')), 'm1')).rejects.toThrow(
      /layer 'gmp' is a GlobalMaxPooling2D, which RetainLab's engine cannot run; it supports Dense, Conv2D .*Add, Concatenate and Multiply/,
    );
    const relu3 = around(tfl.layers.reLU({ maxValue: 3, name: 'relu3' }), 'relu3');
    await expect(importModelAt(db, await saveModel(relu3, join(dir, 'relu3')), 'm2')).rejects.toThrow(
      /layer 'relu3' \(ReLU\) caps at 3 \(only 6, ReLU6\); RetainLab's engine supports Dense/,
    );
    expect(listImportedModelSummaries(db)).toEqual([]);
    maxPool.dispose();
    relu3.dispose();
  });

  it('refuses a Keras .h5 or .keras file with the tensorflowjs_converter command that converts it', async () => {
    const { db, dir } = store();
    writeFileSync(join(dir, 'model.h5'), '\x89HDF\r\n\x1a\n');
    await expect(importModelAt(db, join(dir, 'model.h5'), 'm1')).rejects.toThrow('`tensorflowjs_converter --input_format=keras model.h5 out_dir`');
    writeFileSync(join(dir, 'net.keras'), 'PK');
    await expect(importModelAt(db, join(dir, 'net.keras'), 'm2')).rejects.toThrow('`tensorflowjs_converter --input_format=keras_keras net.keras out_dir`');
    expect(listImportedModelSummaries(db)).toEqual([]);
  });
});
