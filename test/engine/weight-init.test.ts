import { beforeAll, describe, expect, it } from 'vitest';
import { dataSchema, pretrainBudgetSchema } from '../../src-shared/config';
import type { WeightInit } from '../../src-shared/weight-init';
import { selectBackend } from '../../src-main/engine/backend';
import type { ModelSpec } from '../../src-main/engine/models/layers';
import { Model } from '../../src-main/engine/models/model';
import { modelSpecFor } from '../../src-main/engine/models/model-spec';
import { initialWeight, weightShapes } from '../../src-main/engine/models/weights';
import { Rng } from '../../src-main/engine/rng';

/** A 1000 → 1000 dense layer (fan-in 1000): a million kernel values and a thousand biases. */
function wideSpec(init?: WeightInit): ModelSpec {
  return {
    recipe: 'test',
    inputShape: [1000, 1, 1],
    backbone: [
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'wide', units: 1000, activation: 'relu' },
    ],
    pretrainClasses: 10,
    targetClasses: null,
    init,
  };
}

/** Every initial weight of a spec by name, drawn in order from one seeded generator as Model does. */
function drawAll(spec: ModelSpec, seed = 0): Map<string, Float32Array> {
  const rng = new Rng(seed);
  return new Map(weightShapes(spec).map((w) => [w.name, initialWeight(w, rng)]));
}

function moments(values: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / values.length, min, max };
}

describe('weight initialisation', () => {
  it('pytorch draws a large layer uniform on ±1/√fan-in: mean 0, variance 1/(3·fan-in), kernels and biases alike', () => {
    const weights = drawAll(wideSpec('pytorch'));
    const bound = 1 / Math.sqrt(1000);
    const kernel = moments(weights.get('wide/kernel')!);
    expect(weights.get('wide/kernel')!.length).toBe(1_000_000);
    // The standard error of the mean of 10⁶ uniform draws is bound/√(3·10⁶) ≈ 1.8e-5.
    expect(Math.abs(kernel.mean)).toBeLessThan(1e-4);
    expect(kernel.variance).toBeCloseTo(1 / 3000, 6);
    expect(kernel.variance / (1 / 3000)).toBeGreaterThan(0.99);
    expect(kernel.variance / (1 / 3000)).toBeLessThan(1.01);
    expect(kernel.min).toBeGreaterThanOrEqual(-bound);
    expect(kernel.max).toBeLessThanOrEqual(bound);
    // A million draws reach the bounds: not a narrower interval.
    expect(kernel.min).toBeLessThan(-0.999 * bound);
    expect(kernel.max).toBeGreaterThan(0.999 * bound);

    const bias = moments(weights.get('wide/bias')!);
    expect(bias.min).toBeGreaterThanOrEqual(-bound);
    expect(bias.max).toBeLessThanOrEqual(bound);
    expect(bias.max - bias.min).toBeGreaterThan(1.9 * bound);
    // A thousand draws: the variance within 10 % (its relative standard error is ≈ 2.8 %).
    expect(bias.variance / (1 / 3000)).toBeGreaterThan(0.9);
    expect(bias.variance / (1 / 3000)).toBeLessThan(1.1);
    expect(Math.abs(bias.mean)).toBeLessThan(0.004);
  });

  it("pytorch bounds a convolution by its fan-in kh·kw·in, kernels and biases (the CNN recipe's layers)", () => {
    const spec = modelSpecFor(
      { recipe: 'cnn', init: 'pytorch', classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], data: dataSchema.parse({}), pretrain: pretrainBudgetSchema.parse({}) },
      null,
    );
    const weights = drawAll(spec);
    // conv1: 5×5 over 1 channel; conv2: 3×3 over conv1's 16 filters; dense1 over the flattened 5×5×32.
    for (const [layer, fanIn] of [
      ['conv1', 25],
      ['conv2', 144],
      ['dense1', 800],
      ['head', 128],
    ] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      for (const part of ['kernel', 'bias']) {
        const m = moments(weights.get(`${layer}/${part}`)!);
        expect(m.min, `${layer}/${part}`).toBeGreaterThanOrEqual(-bound);
        expect(m.max, `${layer}/${part}`).toBeLessThanOrEqual(bound);
        // Every layer has at least 10 biases: their spread covers most of the interval.
        expect(m.max - m.min, `${layer}/${part}`).toBeGreaterThan(bound);
      }
    }
  });

  it('he draws kernels normal with variance 2/fan-in (untruncated) and zero biases', () => {
    const weights = drawAll(wideSpec('he'));
    const values = weights.get('wide/kernel')!;
    const kernel = moments(values);
    const std = Math.sqrt(2 / 1000);
    expect(Math.abs(kernel.mean)).toBeLessThan(2e-4);
    expect(kernel.variance / (2 / 1000)).toBeGreaterThan(0.99);
    expect(kernel.variance / (2 / 1000)).toBeLessThan(1.01);
    // Normal, not uniform: 68.3 % within one standard deviation, and tails past three of them (a truncated normal has none).
    const within = values.filter((v) => Math.abs(v) < std).length / values.length;
    expect(within).toBeCloseTo(0.6827, 2);
    expect(Math.max(-kernel.min, kernel.max)).toBeGreaterThan(3 * std);
    expect(weights.get('wide/bias')!.every((v) => v === 0)).toBe(true);
  });

  it('glorot stays the default: a spec without init draws the same weights, biases zero', () => {
    const absent = drawAll(wideSpec());
    const glorot = drawAll(wideSpec('glorot'));
    for (const [name, values] of absent) expect(glorot.get(name)).toEqual(values);
    const limit = Math.sqrt(6 / 2000);
    const kernel = moments(absent.get('wide/kernel')!);
    expect(kernel.variance / (limit ** 2 / 3)).toBeGreaterThan(0.99);
    expect(kernel.variance / (limit ** 2 / 3)).toBeLessThan(1.01);
    expect(absent.get('wide/bias')!.every((v) => v === 0)).toBe(true);
    expect(drawAll(wideSpec('pytorch')).get('wide/kernel')).not.toEqual(absent.get('wide/kernel'));
  });

  describe('a model built from a base-model spec', () => {
    beforeAll(async () => {
      await selectBackend('cpu');
    });

    it('starts its recipe with the spec’s initialisation', () => {
      const base = {
        recipe: 'mlp' as const,
        init: 'glorot' as const,
        classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        data: dataSchema.parse({}),
        pretrain: pretrainBudgetSchema.parse({}),
      };
      const pytorch = new Model(modelSpecFor({ ...base, init: 'pytorch' }, null), 0);
      const glorot = new Model(modelSpecFor(base, null), 0);
      try {
        const bias = pytorch.params.get('dense1/bias')!.dataSync();
        expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(784));
        expect(bias.some((v) => v !== 0)).toBe(true);
        expect(
          glorot.params
            .get('dense1/bias')!
            .dataSync()
            .every((v) => v === 0),
        ).toBe(true);
      } finally {
        pytorch.dispose();
        glorot.dispose();
      }
    });
  });
});
