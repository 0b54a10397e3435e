import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { fisherDiagonal } from '../../src-main/engine/fisher';
import { ewcPenalty } from '../../src-main/engine/methods/ewc';
import { anchorGradient, anchorPenalty } from '../../src-main/engine/methods/l2';
import { unfrozenWeights } from '../../src-main/engine/methods/linear-probe';
import { lwf } from '../../src-main/engine/methods/lwf';
import type { TrainingSetup } from '../../src-main/engine/methods/method';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';

/** A model whose logits are x·K + b: no backbone, a 2-unit input, the pretrain head and optionally a target head. */
function linearSpec(pretrainClasses: number, targetClasses: number | null): ModelSpec {
  return { recipe: 'test', inputShape: [1, 2, 1], backbone: [], pretrainClasses, targetClasses };
}

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('EWC importances (docs/methods.md §3.4 worked example)', () => {
  // X, y of the example; a linear 2→2 layer initialised to zero, cross-entropy.
  const X = [
    [1, 0],
    [0, 1],
    [1, 1],
    [2, -1],
  ];
  const y = [0, 1, 0, 1];
  let data: { x: tf.Tensor2D; targets: tf.Tensor2D };
  let model: Model;

  beforeAll(async () => {
    await selectBackend('cpu');
    data = { x: tf.tensor2d(X), targets: tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), 2), 'float32') as tf.Tensor2D };
    model = new Model(
      linearSpec(2, null),
      0,
      new Map([
        ['head/kernel', new Float32Array(4)],
        ['head/bias', new Float32Array(2)],
      ]),
    );
  });

  it('Avalanche form with batch size 2 gives F = [[0.0625, 0.15625], [0.0625, 0.15625]] ([out, in]; our kernel is [in, out])', () => {
    const f = fisherDiagonal(tf, model, data, { kind: 'avalanche', rows: Int32Array.from([0, 1, 2, 3]), batchSize: 2 });
    // Transposed into the TF.js kernel layout [in, out]: row i is input i.
    expect(Array.from(f.get('head/kernel')!)).toEqual([0.0625, 0.0625, 0.15625, 0.15625]);
    // Both batches have balanced labels at uniform predictions: the bias gradient of each batch mean is zero.
    expect(Array.from(f.get('head/bias')!)).toEqual([0, 0]);
  });

  it('the empirical form averages squared per-sample gradients: F = [[0.375, 0.1875], [0.375, 0.1875]] ([out, in])', () => {
    // Per sample, ∇K = x ⊗ (softmax − y) with softmax = ½: (x²)/4 summed over the 4 samples, divided by 4.
    const f = fisherDiagonal(tf, model, data, { kind: 'empirical', rows: Int32Array.from([0, 1, 2, 3]), batchSize: 2 });
    expect(Array.from(f.get('head/kernel')!)).toEqual([0.375, 0.375, 0.1875, 0.1875]);
    expect(Array.from(f.get('head/bias')!)).toEqual([0.25, 0.25]);
  });

  it('covers exactly the tensors of the pretrain-head path: backbone and pretrain head, not a new target head', () => {
    const spec: ModelSpec = { ...linearSpec(2, 3), backbone: [{ kind: 'dense', name: 'dense1', units: 3, activation: 'relu' }] };
    const m = new Model(spec, 1);
    const f = fisherDiagonal(tf, m, data, { kind: 'avalanche', rows: Int32Array.from([0, 1, 2]), batchSize: 2 });
    expect([...f.keys()]).toEqual(['dense1/kernel', 'dense1/bias', 'head/kernel', 'head/bias']);
    expect(f.get('dense1/kernel')!.length).toBe(6);
    m.dispose();
  });
});

describe('penalties on hand examples', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('EWC: λ = 10, F = [0.5, 2], θ = [1, −1], θ₀ = [0.8, −0.5] gives 10·(0.5·0.04 + 2·0.25) = 5.2 (no ½)', () => {
    const p = ewcPenalty(tf, [{ param: tf.tensor1d([1, -1]), theta0: tf.tensor1d([0.8, -0.5]), fisher: tf.tensor1d([0.5, 2]) }], 10);
    expect(p.dataSync()[0]).toBeCloseTo(5.2, 5);
  });

  // θ − θ₀ = [[0, 1], [2, 3]] on a kernel and [−2] on a bias: Σd² = 18, Σ|d| = 8.
  const weights = () => [
    {
      param: tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      theta0: tf.tensor2d([
        [1, 1],
        [1, 1],
      ]),
    },
    { param: tf.tensor1d([-1]), theta0: tf.tensor1d([1]) },
  ];

  it('L2-SP: (α/2)·Σ(θ−θ₀)² over every tensor = 0.25·18 = 4.5 at α = 0.5, with gradient α·(θ−θ₀)', () => {
    const w = weights();
    expect(anchorPenalty(tf, w, 'l2', 0.5).dataSync()[0]).toBeCloseTo(4.5, 6);
    const g = tf.grad((k: tf.Tensor) => anchorPenalty(tf, [{ param: k, theta0: w[0].theta0 }], 'l2', 0.5))(w[0].param);
    expect(values(g)).toEqual([0, 0.5, 1, 1.5]);
  });

  it('L1: α·Σ|θ−θ₀| = 0.5·8 = 4 at α = 0.5', () => {
    expect(anchorPenalty(tf, weights(), 'l1', 0.5).dataSync()[0]).toBeCloseTo(4, 6);
  });

  it('the gradient terms the trainer adds are exactly the penalties\u2019 autodiff gradients (L2, L1, EWC)', () => {
    const w = weights()[0];
    for (const norm of ['l2', 'l1'] as const) {
      const autodiff = values(tf.grad((k: tf.Tensor) => anchorPenalty(tf, [{ param: k, theta0: w.theta0 }], norm, 0.5))(w.param));
      // At θ = θ₀ exactly, |x| has no gradient: we take 0 as PyTorch does (tfjs's abs takes −1 there).
      if (norm === 'l1') autodiff[0] = 0;
      expect(values(anchorGradient(tf, w, norm, 0.5)), norm).toEqual(autodiff);
    }
    const fisher = tf.tensor2d([
      [0.5, 2],
      [1, 0.25],
    ]);
    const autodiff = tf.grad((k: tf.Tensor) => ewcPenalty(tf, [{ param: k, theta0: w.theta0, fisher }], 10))(w.param);
    expect(values(autodiff)).toEqual(values(tf.mul(tf.mul(fisher, 20), tf.sub(w.param, w.theta0))));
  });
});

describe('LwF distillation (docs/methods.md §3.10) on a hand example', () => {
  // θ₀'s pretrain head K₀ = [[2, 0], [0, 1]] ([in, out]); the model's K = [[0, 0], [0, 1]]; x = I.
  // Sample 1: z₀ = [2, 0], z = [0, 0]; sample 2: z₀ = z = [0, 1] (no divergence).
  const theta0 = new Map([
    ['head/kernel', Float32Array.from([2, 0, 0, 1])],
    ['head/bias', new Float32Array(2)],
  ]);
  const current = new Map([
    ['head/kernel', Float32Array.from([0, 0, 0, 1])],
    ['head/bias', new Float32Array(2)],
  ]);
  const [alpha, T] = [1.5, 2];
  // By hand: q = softmax([2, 0]/2) = [e/(e+1), 1/(e+1)], p = [½, ½]; KL(q‖p) = Σ q·ln(q/p); batch mean over 2 samples; × α.
  const q = [Math.E / (Math.E + 1), 1 / (Math.E + 1)];
  const expected = (alpha * (q[0] * Math.log(q[0] / 0.5) + q[1] * Math.log(q[1] / 0.5))) / 2;

  beforeAll(async () => {
    await selectBackend('cpu');
  });

  for (const targetClasses of [null, 3]) {
    it(`α·KL(softmax(z₀/T) ‖ softmax(z/T)), batch mean, no T², on the pretrain head (${targetClasses ? 'new target head' : 'shared head'})`, () => {
      const spec = linearSpec(2, targetClasses);
      const model = new Model(spec, 0, current);
      const hooks = lwf.create({ tf, params: { alpha, temperature: T } });
      const x = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      const targetTrain = { n: 2, x } as TrainingSetup['targetTrain'];
      hooks.beforeTraining!({ model, sameHead: targetClasses === null, targetTrain, createBaseModel: () => new Model(spec, 0, theta0) } as TrainingSetup);
      // The trainer passes the target head's logits; with a new head they must not be what is distilled.
      const penalty = hooks.penalty!({ step: 1, x, rows: tf.tensor1d([0, 1], 'int32'), logits: model.logits(x, 'target') });
      expect(penalty.dataSync()[0]).toBeCloseTo(expected, 6);
      hooks.dispose!();
      model.dispose();
    });
  }
});

describe('linear probe / freezing chooses the trainable weights', () => {
  const names = [
    'conv1/kernel',
    'conv1/bias',
    'conv2/kernel',
    'conv2/bias',
    'dense1/kernel',
    'dense1/bias',
    'head/kernel',
    'head/bias',
    'target_head/kernel',
    'target_head/bias',
  ];

  it('head only keeps both heads; k = 2 freezes the first two backbone layers; k beyond the depth freezes the whole backbone', () => {
    expect(unfrozenWeights(names, null)).toEqual(names.slice(6));
    expect(unfrozenWeights(names, 2)).toEqual(names.slice(4));
    expect(unfrozenWeights(names, 9)).toEqual(names.slice(6));
    expect(unfrozenWeights(names, 0)).toEqual(names);
  });
});
