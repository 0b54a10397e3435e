import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { selectBackend } from '../../src-main/engine/backend';
import { lora } from '../../src-main/engine/methods/lora';
import type { MethodHooks, TrainingSetup } from '../../src-main/engine/methods/method';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';
import { RECIPE_BACKBONES } from '../../src-main/engine/models/recipes';
import { Rng } from '../../src-main/engine/rng';

const recipeSpec = (recipe: 'mlp' | 'cnn'): ModelSpec => ({
  recipe,
  inputShape: [28, 28, 1],
  backbone: RECIPE_BACKBONES[recipe],
  pretrainClasses: 10,
  targetClasses: null,
});

/** LoRA hooks with the defaults (but the pretrain head trained in full unless `over` says otherwise) plus `over`, set up on `model` as the trainer would. */
function attach(model: Model, over: z.input<typeof lora.params> = {}): MethodHooks {
  const hooks = lora.create({ tf, params: lora.params.parse({ head: 'train', ...over }) });
  hooks.beforeTraining!({ model, seed: 3, log: () => {} } as unknown as TrainingSetup);
  return hooks;
}

function inputs(n: number, d: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: n * d }, () => rng.next()),
    [n, d],
  );
}

function logits(model: Model, x: tf.Tensor2D): Float32Array {
  return tf.tidy(() => model.logits(x, 'pretrain').dataSync() as Float32Array);
}

/** Gives every B random values, as training would, so that ΔW is not zero. */
function randomiseB(model: Model): void {
  const rng = new Rng(7);
  for (const { b } of model.adapters.values()) {
    const values = tf.tensor(
      Float32Array.from({ length: b.size }, () => rng.uniform(-0.2, 0.2)),
      b.shape,
    );
    b.assign(values);
    values.dispose();
  }
}

describe('LoRA adapters (docs/methods.md §3.9)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const recipe of ['mlp', 'cnn'] as const) {
    it(`is a no-op at B = 0: ${recipe} logits are bit-identical to the model without adapters`, () => {
      const model = new Model(recipeSpec(recipe), 1);
      const x = inputs(5, 784, 1);
      const plain = logits(model, x);
      attach(model);
      expect(model.adapters.size).toBe(recipe === 'mlp' ? 2 : 3);
      expect(Array.from(logits(model, x))).toEqual(Array.from(plain));
      model.dispose();
      x.dispose();
    });

    it(`merged forward equals unmerged forward on the ${recipe} (conv kernels adapted as [kh·kw·in, out])`, () => {
      const model = new Model(recipeSpec(recipe), 1);
      const x = inputs(5, 784, 2);
      const hooks = attach(model, { rank: 2 });
      randomiseB(model);
      const unmerged = logits(model, x);
      const base = new Model(recipeSpec(recipe), 1);
      const before = logits(base, x);
      base.dispose();
      expect(Math.max(...unmerged.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-2);
      hooks.afterTraining!({ model, theta0: new Map(), evaluate: () => ({}) as never });
      expect(model.adapters.size).toBe(0);
      const merged = logits(model, x);
      merged.forEach((v, i) => expect(v).toBeCloseTo(unmerged[i], 4));
      model.dispose();
      x.dispose();
    });
  }

  it('reproduces the worked example: y = [2.2, −1.4], merged W = [[1.2, 0.4, 0.6], [−0.4, 0.2, −1.2]]', () => {
    const spec: ModelSpec = {
      recipe: 'tiny',
      inputShape: [3, 1, 1],
      backbone: [
        { kind: 'flatten', name: 'flatten' },
        { kind: 'dense', name: 'dense1', units: 2, activation: 'linear' },
      ],
      pretrainClasses: 2,
      targetClasses: null,
    };
    // TF.js kernels are [in, out]: the transpose of PyTorch's W [out, in] = [[1,0,0],[0,1,0]].
    const model = new Model(
      spec,
      0,
      new Map([
        ['dense1/kernel', Float32Array.from([1, 0, 0, 1, 0, 0])],
        ['dense1/bias', new Float32Array(2)],
      ]),
    );
    const hooks = attach(model, { rank: 1, scaleMode: 'alpha/r', alpha: 2, head: 'train' });
    const adapter = model.adapters.get('dense1')!;
    expect(adapter.scale).toBe(2);
    const [a, b] = [tf.tensor2d([[0.1], [0.2], [0.3]]), tf.tensor2d([[1, -2]])]; // A_torchᵀ [in, r], B_torchᵀ [r, out]
    adapter.a.assign(a);
    adapter.b.assign(b);
    const x = tf.tensor2d([[1, 1, 1]]);
    const y = tf.tidy(() => Array.from(model.features(x).dataSync()));
    y.forEach((v, i) => expect(v).toBeCloseTo([2.2, -1.4][i], 6));
    hooks.afterTraining!({ model, theta0: new Map(), evaluate: () => ({}) as never });
    const kernel = Array.from(model.params.get('dense1/kernel')!.dataSync());
    // [[1.2, 0.4, 0.6], [−0.4, 0.2, −1.2]] transposed to [in, out].
    kernel.forEach((v, i) => expect(v).toBeCloseTo([1.2, -0.4, 0.4, 0.2, 0.6, -1.2][i], 6));
    tf.tidy(() => Array.from(model.features(x).dataSync())).forEach((v, i) => expect(v).toBeCloseTo(y[i], 6));
    tf.dispose([a, b, x]);
    model.dispose();
  });

  it('initialises A ~ U(−1/√fan-in, 1/√fan-in) from the run seed and B = 0', () => {
    const [m1, m2] = [new Model(recipeSpec('cnn'), 1), new Model(recipeSpec('cnn'), 1)];
    attach(m1);
    attach(m2);
    const conv1 = m1.adapters.get('conv1')!;
    expect(conv1.a.shape).toEqual([5 * 5 * 1, 8]);
    expect(conv1.b.shape).toEqual([8, 16]);
    const a = conv1.a.dataSync();
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1 / 5);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.15);
    expect(Array.from(a)).toEqual(Array.from(m2.adapters.get('conv1')!.a.dataSync()));
    for (const { b } of m1.adapters.values()) expect(Math.max(...b.dataSync().map(Math.abs))).toBe(0);
    m1.dispose();
    m2.dispose();
  });

  it('trains only A, B and the unadapted heads; "full" trains the same kernels instead, biases stay frozen', () => {
    const model = new Model({ ...recipeSpec('mlp'), targetClasses: 5 }, 1);
    const names = [...model.params.keys()];
    const adapted = attach(model);
    expect(adapted.trainable!(names)).toEqual(['head/kernel', 'head/bias', 'target_head/kernel', 'target_head/bias']);
    expect(adapted.variables!().map((v) => v.name)).toEqual(['dense1/lora_a', 'dense1/lora_b', 'dense2/lora_a', 'dense2/lora_b']);
    model.dispose();
    const headToo = new Model({ ...recipeSpec('mlp'), targetClasses: 5 }, 1);
    const withHead = attach(headToo, { head: 'lora' });
    expect(withHead.trainable!(names)).toEqual(['target_head/kernel', 'target_head/bias']);
    expect(withHead.variables!().map((v) => v.name)).toEqual([
      'dense1/lora_a',
      'dense1/lora_b',
      'dense2/lora_a',
      'dense2/lora_b',
      'head/lora_a',
      'head/lora_b',
    ]);
    headToo.dispose();
    const other = new Model(recipeSpec('mlp'), 1);
    const fullHooks = attach(other, { full: true, layers: 'last' });
    expect(other.adapters.size).toBe(0);
    expect(fullHooks.variables!()).toEqual([]);
    expect(fullHooks.trainable!([...other.params.keys()])).toEqual(['dense2/kernel', 'head/kernel', 'head/bias']);
    other.dispose();
  });

  it('refuses a layer kind the model does not have', () => {
    const model = new Model(recipeSpec('mlp'), 1);
    expect(() => attach(model, { layers: 'conv' })).toThrow(/^LoRA: params\.layers = 'conv' but the mlp model has no such layers/);
    model.dispose();
  });
});
