import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { disposeDevice, toDevice, type DeviceData } from '../../src-main/engine/device-data';
import {
  alignmentBins,
  classMarginBins,
  kmeansParts,
  lossBins,
  marginBins,
  poolAlignment,
  poolFeatures,
  poolMargin,
} from '../../src-main/engine/methods/mixcd-partition';
import { Model } from '../../src-main/engine/models/model';
import { Rng } from '../../src-main/engine/rng';

const all = (n: number) => new Uint8Array(n).fill(1);

describe('mix-cd margin partition', () => {
  it('cuts the correct-before samples into equal-count bins by θ₀ margin, most confident (largest margin) first', () => {
    const margin = Float32Array.from([0.9, 0.1, 0.5, 0.2, 0.7, 0.3]);
    const correct = Uint8Array.from([1, 1, 1, 0, 1, 1]);
    // Correct rows by falling margin: 0 (0.9), 4 (0.7), 2 (0.5), 5 (0.3), 1 (0.1) → bins ⌊rank·2/5⌋ = 0, 0, 0, 1, 1; wrong row 3 joins the last bin.
    expect(Array.from(marginBins(margin, correct, 2))).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('keeps the bins equal-count when margins tie, splitting a tie in row order', () => {
    // A saturated softmax gives many margins of exactly 1: they fill the first bins instead of swallowing them all.
    expect(Array.from(marginBins(Float32Array.from([1, 1, 1, 1, 0.5, 0.5]), all(6), 3))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(lossBins(new Float32Array(4), all(4), 2))).toEqual([0, 0, 1, 1]);
  });

  it('puts every row in the last bin when θ₀ got none right, and leaves bins empty when there are fewer rows than bins', () => {
    expect(Array.from(marginBins(Float32Array.from([0.3, 0.6]), new Uint8Array(2), 4))).toEqual([3, 3]);
    expect(Array.from(marginBins(Float32Array.from([0.3, 0.6]), all(2), 4))).toEqual([2, 0]);
  });
});

describe('mix-cd class × margin partition', () => {
  it('bins the margins within each class: part = class·bins + bin, wrong rows in their class’s last bin', () => {
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 1]);
    const margin = Float32Array.from([0.2, 0.8, 0.5, 0.9, 0.1, 0.6, 0.3]);
    const correct = Uint8Array.from([1, 1, 0, 1, 1, 1, 1]);
    // Class 0: rows 1 (0.8), 0 (0.2) → bins 0, 1; row 2 wrong → part 1. Class 1: rows 3, 5, 6, 4 → bins 0, 0, 1, 1 → parts 2, 2, 3, 3.
    expect(Array.from(classMarginBins(margin, y, 2, correct, 2))).toEqual([1, 0, 1, 2, 3, 2, 3]);
  });

  it('leaves a class θ₀ got wholly wrong in its last part and the other classes unaffected', () => {
    const y = Int32Array.from([0, 1, 1, 2]);
    const correct = Uint8Array.from([1, 0, 0, 1]);
    expect(Array.from(classMarginBins(Float32Array.from([0.5, 0.9, 0.1, 0.4]), y, 3, correct, 3))).toEqual([0, 5, 5, 6]);
  });
});

describe('mix-cd k-means partition', () => {
  // Two tight groups of 2-d points far apart, interleaved in row order.
  const near = [0, 0, 10, 10, 0.2, 0.1, 10.1, 9.8, 0.1, 0.3, 9.9, 10.2];
  const features = Float32Array.from(near);

  it('finds two obvious clusters, whatever the seed', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const parts = Array.from(kmeansParts(features, 2, all(6), 2, new Rng(seed)));
      expect(parts[0], `seed ${seed}`).not.toBe(parts[1]);
      expect([parts[2], parts[4]], `seed ${seed}`).toEqual([parts[0], parts[0]]);
      expect([parts[3], parts[5]], `seed ${seed}`).toEqual([parts[1], parts[1]]);
    }
  });

  it('fits on the correct-before rows only and gives every other row its nearest centre', () => {
    // Rows 0, 2, 3 (the group near the origin and one far point) are wrong: the fit still separates the groups.
    const correct = Uint8Array.from([0, 1, 0, 1, 1, 1]);
    const parts = Array.from(kmeansParts(features, 2, correct, 2, new Rng(7)));
    expect(parts[4]).not.toBe(parts[5]);
    expect([parts[0], parts[2]]).toEqual([parts[4], parts[4]]);
    expect([parts[1], parts[3]]).toEqual([parts[5], parts[5]]);
  });

  it('is repeatable for a seed, and the seed matters', () => {
    const rng = new Rng(11);
    const cloud = Float32Array.from({ length: 200 * 3 }, () => rng.next());
    const run = (seed: number) => Array.from(kmeansParts(cloud, 3, all(200), 5, new Rng(seed)));
    expect(run(3)).toEqual(run(3));
    const outcomes = new Set([1, 2, 3, 4, 5, 6].map((seed) => run(seed).join(',')));
    expect(outcomes.size).toBeGreaterThan(1);
    expect(new Set(run(3))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('copes with fewer distinct points than clusters and with no correct-before row', () => {
    const same = Float32Array.from([1, 1, 1, 1, 1, 1]);
    expect(Array.from(kmeansParts(same, 2, all(3), 2, new Rng(1)))).toEqual([0, 0, 0]);
    expect(Array.from(kmeansParts(features, 2, new Uint8Array(6), 3, new Rng(1)))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('θ₀ statistics the partitions read', () => {
  let pool: DeviceData;
  let model: Model;

  beforeAll(async () => {
    await selectBackend('cpu');
    const x = Float32Array.from([1, 0, 0, 1, 1, 1]);
    pool = toDevice({ name: 'three rows', x, y: Int32Array.from([0, 1, 2]), n: 3, shape: [1, 2, 1], classes: [0, 1, 2] });
    // No backbone: the logits are x·K with K's rows [ln 2, 0, 0] and [0, ln 3, 0].
    model = new Model(
      { recipe: 'test', inputShape: [1, 2, 1], backbone: [], pretrainClasses: 3, targetClasses: null },
      0,
      new Map([
        ['head/kernel', Float32Array.from([Math.LN2, 0, 0, 0, Math.log(3), 0])],
        ['head/bias', new Float32Array(3)],
      ]),
    );
  });

  afterAll(() => {
    disposeDevice(pool);
    model.dispose();
  });

  it('margin = top-1 minus top-2 softmax probability, whichever class is on top', () => {
    // Softmax rows: [2,1,1]/4 → 1/4; [1,3,1]/5 → 2/5; [2,3,1]/6 → 1/6.
    const margin = Array.from(poolMargin(tf, pool, model));
    [0.25, 0.4, 1 / 6].forEach((m, i) => expect(margin[i]).toBeCloseTo(m, 6));
  });

  it('features are the backbone output, row-major (the input itself without a backbone)', () => {
    const { features, dim } = poolFeatures(tf, pool, model);
    expect(dim).toBe(2);
    expect(Array.from(features)).toEqual([1, 0, 0, 1, 1, 1]);
  });
});

describe('mix-cd gradient-alignment partition', () => {
  // Two features, three classes, no backbone: the features are the input itself.
  const kernel = Float32Array.from([0.5, -0.2, 0.1, 0.3, 0.4, -0.6]);
  const bias = Float32Array.from([0.05, -0.1, 0.02]);
  let pool: DeviceData;
  let target: DeviceData;

  const softmax = (z: number[]) => {
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  // The logit error e = softmax(h·K + b) − one-hot(y) of one row under a head (K: [2, classes] row-major).
  const logitError = (h: number[], y: number, k: Float32Array, b: Float32Array) => {
    const classes = b.length;
    const z = Array.from({ length: classes }, (_, c) => h[0] * k[c] + h[1] * k[classes + c] + b[c]);
    return softmax(z).map((p, c) => p - (c === y ? 1 : 0));
  };
  const cosine = (a: number[], b: number[]) => {
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    return dot / Math.hypot(...a) / Math.hypot(...b);
  };
  const poolRows = [
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 0.5],
  ];
  const poolY = [0, 1, 2, 1];
  const targetRows = [
    [1, 0.2],
    [0.3, 1],
  ];

  beforeAll(async () => {
    await selectBackend('cpu');
    pool = toDevice({ name: 'pool', x: Float32Array.from(poolRows.flat()), y: Int32Array.from(poolY), n: 4, shape: [1, 2, 1], classes: [0, 1, 2] });
    target = toDevice({ name: 'target', x: Float32Array.from(targetRows.flat()), y: Int32Array.from([2, 0]), n: 2, shape: [1, 2, 1], classes: [0, 1, 2] });
  });

  afterAll(() => {
    disposeDevice(pool);
    disposeDevice(target);
  });

  it('is the cosine of each sample’s head gradient [h;1]·eᵀ with the target batch’s mean when the target reuses the head', () => {
    const model = new Model(
      { recipe: 'test', inputShape: [1, 2, 1], backbone: [], pretrainClasses: 3, targetClasses: null },
      0,
      new Map([
        ['head/kernel', kernel],
        ['head/bias', bias],
      ]),
    );
    // The whole per-sample gradient, flattened: [h₀·e, h₁·e, 1·e].
    const gradient = (h: number[], y: number) => {
      const e = logitError(h, y, kernel, bias);
      return [...h, 1].flatMap((a) => e.map((v) => a * v));
    };
    const targetGradients = targetRows.map((h, i) => gradient(h, [2, 0][i]));
    const mean = targetGradients[0].map((v, j) => (v + targetGradients[1][j]) / 2);
    const got = Array.from(poolAlignment(tf, pool, model, target, Int32Array.of(0, 1), true));
    poolRows.forEach((h, i) => expect(got[i]).toBeCloseTo(cosine(gradient(h, poolY[i]), mean), 5));
    model.dispose();
  });

  it('uses the feature gradients W·e of each head when the target has a head of its own', () => {
    const targetKernel = Float32Array.from([0.7, -0.4, -0.3, 0.9]);
    const targetBias = Float32Array.from([0.1, -0.1]);
    const model = new Model(
      { recipe: 'test', inputShape: [1, 2, 1], backbone: [], pretrainClasses: 3, targetClasses: 2 },
      0,
      new Map([
        ['head/kernel', kernel],
        ['head/bias', bias],
        ['target_head/kernel', targetKernel],
        ['target_head/bias', targetBias],
      ]),
    );
    const twoClass = toDevice({ name: 'target', x: Float32Array.from(targetRows.flat()), y: Int32Array.from([1, 0]), n: 2, shape: [1, 2, 1], classes: [0, 1] });
    // ∂L/∂h = K·e: feature f's entry is Σ_c K[f][c]·e[c].
    const featureGradient = (h: number[], y: number, k: Float32Array, b: Float32Array) => {
      const e = logitError(h, y, k, b);
      return [0, 1].map((f) => e.reduce((s, v, c) => s + k[f * e.length + c] * v, 0));
    };
    const t = targetRows.map((h, i) => featureGradient(h, [1, 0][i], targetKernel, targetBias));
    const mean = [0, 1].map((f) => (t[0][f] + t[1][f]) / 2);
    const got = Array.from(poolAlignment(tf, pool, model, twoClass, Int32Array.of(0, 1), false));
    poolRows.forEach((h, i) => expect(got[i]).toBeCloseTo(cosine(featureGradient(h, poolY[i], kernel, bias), mean), 5));
    disposeDevice(twoClass);
    model.dispose();
  });

  it('puts the samples most opposed to the target’s step in part 0, and θ₀’s wrong rows in the last part', () => {
    const cos = Float32Array.from([0.9, -0.8, 0.1, -0.2, 0.5, -0.9]);
    expect(Array.from(alignmentBins(cos, Uint8Array.from([1, 1, 1, 1, 1, 0]), 2))).toEqual([1, 0, 0, 0, 1, 1]);
  });
});
