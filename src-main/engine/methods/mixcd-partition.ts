import type * as tfType from '@tensorflow/tfjs-core';
import { perSampleWith } from '../correctness';
import { batchOf, type DeviceData } from '../device-data';
import { PRETRAIN_HEAD, TARGET_HEAD } from '../models/layers';
import type { Model } from '../models/model';
import type { Rng } from '../rng';

/** The ways mix-cd can cut the pretrain pool into parts (docs/methods.md §3.7). */
export const PARTITIONS = ['class', 'loss', 'margin', 'class-margin', 'kmeans', 'gradient'] as const;

/** One of PARTITIONS. */
export type Partition = (typeof PARTITIONS)[number];

/** θ₀'s cross-entropy −log softmax(z)[y] on every pretrain-pool row (pretrain head). */
export function poolLoss(tf: typeof tfType, pool: DeviceData, model: Model): Float32Array {
  return perSampleWith(
    tf,
    pool,
    (x, y) => {
      const logits = model.logits(x, 'pretrain');
      const picked = tf.sum(tf.mul(logits, tf.oneHot(y, logits.shape[1])), 1);
      return tf.sub(tf.logSumExp(logits, 1), picked) as tfType.Tensor1D;
    },
    model.evalChunk,
  );
}

/** θ₀'s margin on every pretrain-pool row: its top-1 minus its top-2 softmax probability (pretrain head), in [0, 1]. */
export function poolMargin(tf: typeof tfType, pool: DeviceData, model: Model): Float32Array {
  return perSampleWith(
    tf,
    pool,
    (x) => {
      const probs = tf.softmax(model.logits(x, 'pretrain'));
      const top = tf.oneHot(tf.argMax(probs, 1), probs.shape[1]);
      // Pushing the top class below every probability leaves the runner-up as the maximum (a tie gives margin 0).
      const second = tf.max(tf.sub(probs, tf.mul(top, 2)), 1);
      return tf.sub(tf.max(probs, 1), second) as tfType.Tensor1D;
    },
    model.evalChunk,
  );
}

/** θ₀'s penultimate-layer features (the backbone output the heads read) of every pretrain-pool row: row-major [n, dim]. */
export function poolFeatures(tf: typeof tfType, pool: DeviceData, model: Model): { features: Float32Array; dim: number } {
  let features = new Float32Array(0);
  let dim = 0;
  for (let start = 0; start < pool.n; start += model.evalChunk) {
    const size = Math.min(model.evalChunk, pool.n - start);
    const chunk = tf.tidy(() => model.features(tf.slice(pool.x, [start, 0], [size, -1])));
    if (start === 0) {
      dim = chunk.shape[1];
      features = new Float32Array(pool.n * dim);
    }
    features.set(chunk.dataSync() as Float32Array, start * dim);
    chunk.dispose();
  }
  return { features, dim };
}

/**
 * Cosine between each pretrain-pool row's loss gradient and the target batch's mean loss gradient, under the
 * current weights, at the last layer both losses reach: the head itself when the target reuses the pretrain head
 * (the head's per-sample gradient is the outer product [h;1]·eᵀ of the features with bias input and the logit error
 * e = softmax − one-hot, so ⟨g_i, G⟩ = [h_i;1]ᵀ·G·e_i needs no per-sample gradient in memory), else the features
 * both heads read (∂L/∂h = W·e). With a shared head a negative cosine means a target step raises that row's loss to first order;
 * the feature-gradient cosine is a proxy for it (it leaves out how similar the inputs are).
 */
export function poolAlignment(tf: typeof tfType, pool: DeviceData, model: Model, target: DeviceData, batch: Int32Array, sameHead: boolean): Float32Array {
  const error = (x: tfType.Tensor2D, oneHot: tfType.Tensor2D, head: 'pretrain' | 'target') => {
    const h = model.features(x);
    return { h, e: tf.sub(tf.softmax(model.headLogits(h, head)), oneHot) as tfType.Tensor2D };
  };
  // Features with a column of ones: the bias's input.
  const withOne = (h: tfType.Tensor2D) => tf.concat([h, tf.ones([h.shape[0], 1])], 1) as tfType.Tensor2D;
  const headKernel = (head: 'pretrain' | 'target') => model.effectiveWeight(`${head === 'target' ? TARGET_HEAD : PRETRAIN_HEAD}/kernel`) as tfType.Tensor2D;
  const direction = tf.tidy(() => {
    const { x, y } = batchOf(target, batch);
    const { h, e } = error(x, y, 'target');
    // sameHead: G = mean_j [h_j;1]·e_jᵀ, [features+1, classes]; else the mean feature gradient W·e_j, [features].
    return sameHead ? tf.div(tf.matMul(withOne(h), e, true, false), batch.length) : tf.mean(tf.matMul(e, headKernel('target'), false, true), 0);
  });
  const directionNorm = tf.tidy(() => tf.norm(direction).dataSync()[0]);
  const cosines = perSampleWith(
    tf,
    pool,
    (x, y) => {
      const { h, e } = error(x, tf.oneHot(y, pool.source.classes.length) as tfType.Tensor2D, 'pretrain');
      if (sameHead) {
        const h1 = withOne(h);
        const dot = tf.sum(tf.mul(tf.matMul(h1, direction as tfType.Tensor2D), e), 1);
        return tf.div(dot, tf.maximum(tf.mul(tf.mul(tf.norm(h1, 'euclidean', 1), tf.norm(e, 'euclidean', 1)), directionNorm), 1e-12)) as tfType.Tensor1D;
      }
      const grad = tf.matMul(e, headKernel('pretrain'), false, true);
      const dot = tf.sum(tf.mul(grad, direction), 1);
      return tf.div(dot, tf.maximum(tf.mul(tf.norm(grad, 'euclidean', 1), directionNorm), 1e-12)) as tfType.Tensor1D;
    },
    model.evalChunk,
  );
  direction.dispose();
  return cosines;
}

/** Parts by gradient alignment: equal-count bins of the cosine over the correct-before rows, part 0 the most opposed to the target's step. */
export function alignmentBins(cosine: Float32Array, c0: Uint8Array, bins: number): Int32Array {
  return scoreBins(cosine, c0, bins);
}

/**
 * Equal-count bins of a score over the correct-before rows (c0), lowest score in part 0: the rows sorted
 * by score (ties in row order, so the counts stay equal) and cut at ⌊rank·bins/N1⌋. Rows θ₀ got wrong cannot
 * be collateral damage and are never drawn; they join the last part.
 */
export function scoreBins(score: Float32Array, c0: Uint8Array, bins: number): Int32Array {
  const partOf = new Int32Array(score.length).fill(bins - 1);
  const correct = Array.from({ length: score.length }, (_, i) => i).filter((i) => c0[i]);
  binRows(correct, score, bins).forEach((part, i) => (partOf[correct[i]] = part));
  return partOf;
}

/** The equal-count bin (0..bins−1) of each of these rows by score, lowest first; ties in the order given. */
function binRows(rows: number[], score: Float32Array, bins: number): number[] {
  const order = rows.map((_, i) => i).sort((i, j) => score[rows[i]] - score[rows[j]] || i - j);
  const bin = new Array<number>(rows.length);
  order.forEach((i, rank) => (bin[i] = Math.floor((rank * bins) / rows.length)));
  return bin;
}

/**
 * Parts by θ₀'s loss (the "prior loss" partition of Bai et al., arXiv 2402.08096v2): equal-count bins,
 * part 0 the most confident (lowest loss); θ₀'s wrong rows in the last part.
 */
export function lossBins(loss: Float32Array, c0: Uint8Array, bins: number): Int32Array {
  return scoreBins(loss, c0, bins);
}

/** Parts by θ₀'s margin: equal-count bins, part 0 the most confident (largest margin); θ₀'s wrong rows in the last part. */
export function marginBins(margin: Float32Array, c0: Uint8Array, bins: number): Int32Array {
  const negated = margin.map((m) => -m);
  return scoreBins(negated, c0, bins);
}

/**
 * Parts by class × margin: part y·bins + b, where b is the row's equal-count margin bin among the
 * correct-before rows of its own class (b = 0 the most confident); θ₀'s wrong rows in their class's last bin.
 */
export function classMarginBins(margin: Float32Array, y: ArrayLike<number>, classes: number, c0: Uint8Array, bins: number): Int32Array {
  const partOf = Int32Array.from({ length: margin.length }, (_, row) => y[row] * bins + bins - 1);
  const negated = margin.map((m) => -m);
  for (let c = 0; c < classes; c++) {
    const rows = Array.from({ length: margin.length }, (_, i) => i).filter((i) => c0[i] && y[i] === c);
    binRows(rows, negated, bins).forEach((b, i) => (partOf[rows[i]] = c * bins + b));
  }
  return partOf;
}

/** Lloyd iterations of the k-means partition: a fixed number, so the parts do not depend on a tolerance. */
export const KMEANS_ITERATIONS = 20;

/**
 * Parts by k-means on θ₀'s features (row-major [n, dim]): k-means++ seeding from `rng` and KMEANS_ITERATIONS
 * Lloyd iterations, fitted on the correct-before rows (the only ones ever drawn); every row then takes its
 * nearest centre (ties to the lower part). A centre that loses all its rows stays where it was.
 */
export function kmeansParts(features: Float32Array, dim: number, c0: Uint8Array, k: number, rng: Rng): Int32Array {
  const n = c0.length;
  const fit = Array.from({ length: n }, (_, i) => i).filter((i) => c0[i]);
  const partOf = new Int32Array(n);
  if (!fit.length) return partOf;
  const centres = seedCentres(features, dim, fit, k, rng);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    sums.fill(0);
    counts.fill(0);
    for (const row of fit) {
      const c = nearest(features, row, centres, dim, k).part;
      counts[c]++;
      for (let j = 0; j < dim; j++) sums[c * dim + j] += features[row * dim + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]) for (let j = 0; j < dim; j++) centres[c * dim + j] = sums[c * dim + j] / counts[c];
    }
  }
  for (let row = 0; row < n; row++) partOf[row] = nearest(features, row, centres, dim, k).part;
  return partOf;
}

/** k-means++: the first centre a uniform fitted row, each next one a row drawn with probability ∝ its squared distance to the nearest centre so far. */
function seedCentres(features: Float32Array, dim: number, fit: number[], k: number, rng: Rng): Float64Array {
  const centres = new Float64Array(k * dim);
  const place = (c: number, row: number) => centres.set(features.subarray(row * dim, (row + 1) * dim), c * dim);
  place(0, fit[Math.floor(rng.next() * fit.length)]);
  const d2 = fit.map((row) => nearest(features, row, centres, dim, 1).d2);
  for (let c = 1; c < k; c++) {
    const total = d2.reduce((s, v) => s + v, 0);
    // Fewer distinct rows than k: every row already is a centre, so the rest repeat one and stay empty.
    let i = total > 0 ? 0 : Math.floor(rng.next() * fit.length);
    if (total > 0) {
      let u = rng.next() * total;
      while (i < fit.length - 1 && (u -= d2[i]) >= 0) i++;
    }
    place(c, fit[i]);
    fit.forEach((row, j) => (d2[j] = Math.min(d2[j], squaredDistance(features, row, centres, c, dim))));
  }
  return centres;
}

/** The nearest of the first `k` centres to a row (the lower index on a tie) and its squared distance. */
function nearest(features: Float32Array, row: number, centres: Float64Array, dim: number, k: number): { part: number; d2: number } {
  let part = 0;
  let best = Infinity;
  for (let c = 0; c < k; c++) {
    const d2 = squaredDistance(features, row, centres, c, dim);
    if (d2 < best) {
      best = d2;
      part = c;
    }
  }
  return { part, d2: best };
}

function squaredDistance(features: Float32Array, row: number, centres: Float64Array, c: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = features[row * dim + j] - centres[c * dim + j];
    s += d * d;
  }
  return s;
}
