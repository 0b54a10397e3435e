import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import type { Dataset } from '../../src-main/engine/data/dataset';
import { loadMnistDigits } from '../../src-main/engine/data/mnist-digits';
import { batchOf, disposeDevice, toDevice, type DeviceData } from '../../src-main/engine/device-data';
import type { MethodHooks } from '../../src-main/engine/methods/method';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';
import { RECIPE_BACKBONES } from '../../src-main/engine/models/recipes';
import { adam } from '../../src-main/engine/optimizers/adam';
import { classification } from '../../src-main/engine/tasks/classification';
import { sameTask } from '../../src-main/engine/tasks/task';
import { makeTrainStep } from '../../src-main/engine/train-step';

const LR = 0.01;

/** `count` real digits spread over all ten classes (the package lists them digit by digit), starting at `offset` within each stride. */
function digits(count: number, offset: number): Dataset {
  const all = loadMnistDigits();
  const d = 28 * 28;
  const rows = Array.from({ length: count }, (_, i) => Math.floor((i * all.n) / count) + offset);
  const x = new Float32Array(count * d);
  rows.forEach((r, i) => x.set(all.x.subarray(r * d, (r + 1) * d), i * d));
  return { ...all, name: `${count} digits`, x, y: Int32Array.from(rows, (r) => all.y[r]), n: count };
}

const spec = (recipe: 'mlp' | 'cnn', targetClasses: number | null): ModelSpec => ({
  recipe,
  inputShape: [28, 28, 1],
  backbone: RECIPE_BACKBONES[recipe],
  pretrainClasses: 10,
  targetClasses,
});

/** The model's forward written with tfjs's own ops (autodiff gradients), over the same variables. */
function referenceLogits(model: Model, x: tf.Tensor2D, head: 'target' | 'pretrain'): tf.Tensor2D {
  const w = (name: string) => model.params.get(name)!;
  let h: tf.Tensor = model.spec.backbone[0].kind === 'conv' ? tf.reshape(x, [x.shape[0], 28, 28, 1]) : x;
  for (const layer of model.spec.backbone) {
    if (layer.kind === 'flatten') h = tf.reshape(h, [h.shape[0], -1]);
    else if (layer.kind === 'conv')
      h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, w(`${layer.name}/kernel`) as tf.Tensor4D, layer.stride, 'valid'), w(`${layer.name}/bias`)));
    else if (layer.kind === 'dense') h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, w(`${layer.name}/kernel`) as tf.Tensor2D), w(`${layer.name}/bias`)));
  }
  const [kernel, bias] = model.headNames(head);
  return tf.add(tf.matMul(h as tf.Tensor2D, w(kernel) as tf.Tensor2D), w(bias)) as tf.Tensor2D;
}

function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / (tf.max(tf.abs(b)).dataSync()[0] + 1e-12));
}

const snapshot = (model: Model) => new Map([...model.params].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));

describe('the fine-tuning step', () => {
  let target: DeviceData;
  let pool: DeviceData;
  const batch = Int32Array.from({ length: 16 }, (_, i) => i);

  beforeAll(async () => {
    await selectBackend('cpu');
    target = toDevice(digits(20, 0));
    pool = toDevice(digits(20, 1));
  });

  afterAll(() => {
    disposeDevice(target);
    disposeDevice(pool);
  });

  /** A model with its train step, training every weight (or those named) with Adam. */
  function setup(recipe: 'mlp' | 'cnn', hooks: MethodHooks = {}, trainable: string[] | null = null, targetClasses: number | null = null) {
    const model = new Model(spec(recipe, targetClasses), 1);
    model.setTrainable(trainable);
    const variables = (trainable ?? [...model.params.keys()]).map((n) => model.params.get(n)!);
    const optimizer = adam(LR);
    const step = makeTrainStep({ model, tasks: sameTask(classification), hooks, optimizer, variables, targetTrain: target, pretrainPool: pool });
    return { model, step, dispose: () => (optimizer.dispose(), model.dispose()) };
  }

  const batchLoss = (model: Model, rows: Int32Array = batch) =>
    tf.tidy(() => {
      const { x, y } = batchOf(target, rows);
      return classification.loss(y, model.logits(x, 'target')).dataSync()[0];
    });

  it('lowers the loss on its batch and returns the loss before the update', () => {
    const { model, step, dispose } = setup('mlp');
    const before = batchLoss(model);
    const cost = step(batch, 1);
    expect(cost.dataSync()[0]).toBeCloseTo(before, 5);
    cost.dispose();
    expect(batchLoss(model)).toBeLessThan(before);
    dispose();
  });

  for (const recipe of ['mlp', 'cnn'] as const) {
    it(`computes the same gradients through the hand-written ${recipe === 'mlp' ? 'matMul' : 'conv2d'} ops as tfjs autodiff of the same loss`, () => {
      const model = new Model(spec(recipe, null), 2);
      const variables = [...model.params.values()];
      const { x, y } = batchOf(target, batch);
      const ours = tf.variableGrads(() => classification.loss(y, model.logits(x, 'target')), variables);
      const reference = tf.variableGrads(() => classification.loss(y, referenceLogits(model, x, 'target')), variables);
      expect(ours.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0], 5);
      for (const v of variables) {
        expect(ours.grads[v.name].shape, v.name).toEqual(reference.grads[v.name].shape);
        expect(relDiff(ours.grads[v.name], reference.grads[v.name]), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([x, y, ours.value, reference.value, ...Object.values(ours.grads), ...Object.values(reference.grads)]);
      model.dispose();
    });
  }

  it('leaves frozen weights exactly where they were and moves the trainable ones', () => {
    const head = ['head/kernel', 'head/bias'];
    const { model, step, dispose } = setup('cnn', {}, head);
    const before = snapshot(model);
    step(batch, 1).dispose();
    for (const [name, values] of snapshot(model)) {
      if (head.includes(name)) expect(Array.from(values), name).not.toEqual(Array.from(before.get(name)!));
      else expect(Array.from(values), name).toEqual(Array.from(before.get(name)!));
    }
    dispose();
  });

  it('adds a gradient term to the weight it names and leaves the others\u2019 updates as they were', () => {
    // A term far larger than the loss gradient decides the sign: Adam's first step then moves each
    // weight by lr against it, whatever the loss gradient was.
    const K = 1e3;
    const term =
      (sign: number, name: string): MethodHooks['gradientTerm'] =>
      (v) =>
        v === model.params.get(name) ? tf.fill(v.shape, sign * K) : null;
    const plain = setup('mlp');
    const { model, step, dispose } = setup('mlp', {
      gradientTerm: (v) => term(1, 'head/bias')!(v) ?? term(-1, 'dense2/bias')!(v),
    });
    const before = snapshot(model);
    step(batch, 1).dispose();
    plain.step(batch, 1).dispose();
    const after = snapshot(model);
    const moved = (name: string) => Array.from(after.get(name)!, (v, i) => v - before.get(name)![i]);
    for (const d of moved('head/bias')) expect(d).toBeCloseTo(-LR, 6);
    for (const d of moved('dense2/bias')) expect(d).toBeCloseTo(LR, 6);
    const untouched = snapshot(plain.model);
    for (const name of ['dense1/kernel', 'dense1/bias', 'dense2/kernel', 'head/kernel'])
      expect(Array.from(after.get(name)!), name).toEqual(Array.from(untouched.get(name)!));
    plain.dispose();
    dispose();
  });

  it('adds a penalty to the loss it returns', () => {
    const { model, step, dispose } = setup('mlp', { penalty: () => tf.scalar(0.25) });
    const before = batchLoss(model);
    const cost = step(batch, 1);
    expect(cost.dataSync()[0]).toBeCloseTo(before + 0.25, 5);
    cost.dispose();
    dispose();
  });

  for (const targetClasses of [null, 10]) {
    it(`mixes the rehearsed pretrain rows into the batch (${targetClasses ? 'a new target head' : 'a shared head'}) and reports their correctness before the update`, () => {
      const rehearsed = Int32Array.of(3, 7, 11, 15, 19);
      const asked: number[] = [];
      const seen: { rows: Int32Array; correct: Uint8Array }[] = [];
      const { model, step, dispose } = setup(
        'mlp',
        {
          rehearsal: (s) => (asked.push(s), rehearsed),
          observeRehearsal: (rows, correct) => seen.push({ rows, correct }),
        },
        null,
        targetClasses,
      );
      // The mean loss over the mixed batch: target rows through the target head, pretrain rows through the pretrain head.
      const [expected, correct] = tf.tidy(() => {
        const t = batchOf(target, batch);
        const p = batchOf(pool, rehearsed);
        const pretrainLogits = model.logits(p.x, 'pretrain');
        const [b, m] = [batch.length, rehearsed.length];
        const mixed =
          (classification.loss(t.y, model.logits(t.x, 'target')).dataSync()[0] * b + classification.loss(p.y, pretrainLogits).dataSync()[0] * m) / (b + m);
        return [mixed, Uint8Array.from(classification.correct!(p.y, pretrainLogits).dataSync())];
      });
      const cost = step(batch, 1);
      expect(cost.dataSync()[0]).toBeCloseTo(expected, 5);
      cost.dispose();
      expect(asked).toEqual([1]);
      expect(seen).toHaveLength(1);
      expect(Array.from(seen[0].rows)).toEqual(Array.from(rehearsed));
      expect(Array.from(seen[0].correct)).toEqual(Array.from(correct));
      dispose();
    });
  }

  it('trains on the target batch alone when the rehearsal hook gives no rows', () => {
    const { model, step, dispose } = setup('mlp', { rehearsal: () => new Int32Array(0), observeRehearsal: () => expect.unreachable('no rows were rehearsed') });
    const before = batchLoss(model);
    const cost = step(batch, 1);
    expect(cost.dataSync()[0]).toBeCloseTo(before, 5);
    cost.dispose();
    dispose();
  });

  it('keeps the number of tensors constant from the first step on (no leak), with every hook in play', () => {
    const { model, step, dispose } = setup(
      'mlp',
      {
        penalty: ({ logits }) => tf.mul(tf.mean(tf.square(logits)), 1e-3) as tf.Scalar,
        gradientTerm: (v) => (v.name.startsWith('head/kernel') ? tf.mul(v, 1e-3) : null),
        rehearsal: (s) => Int32Array.of(s, s + 1, s + 2),
        observeRehearsal: () => {},
      },
      ['dense2/kernel', 'dense2/bias', 'head/kernel', 'head/bias'],
      10,
    );
    const rows = (s: number) => Int32Array.from({ length: 8 }, (_, i) => (s + i) % target.n);
    step(rows(1), 1).dispose();
    const afterOne = tf.memory().numTensors;
    for (let s = 2; s <= 6; s++) step(rows(s), s).dispose();
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(model.params.size).toBeGreaterThan(0);
    dispose();
  });
});
