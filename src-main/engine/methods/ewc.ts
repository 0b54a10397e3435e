import type * as tfType from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { fisherDiagonal } from '../fisher';
import { Rng } from '../rng';
import { defineMethod } from './method';

/** One penalised tensor: the live weight, its base value θ₀ and its importance F (same shape). */
export interface EwcTerm {
  param: tfType.Tensor;
  theta0: tfType.Tensor;
  fisher: tfType.Tensor;
}

/** The EWC penalty in Avalanche's form, λ·Σ F·(θ−θ₀)², without EWC's ½. */
export function ewcPenalty(tf: typeof tfType, terms: EwcTerm[], lambda: number): tfType.Scalar {
  return tf.tidy(() => tf.mul(lambda, tf.addN(terms.map((t) => tf.sum(tf.mul(t.fisher, tf.square(tf.sub(t.param, t.theta0)))))))) as tfType.Scalar;
}

/** The mean importance over every weight. */
function meanImportance(fisher: Map<string, Float32Array>): number {
  let sum = 0;
  let count = 0;
  for (const f of fisher.values()) {
    for (const v of f) sum += v;
    count += f.length;
  }
  return sum / count;
}

/** Divides every importance by the mean over all of them, so that λ no longer depends on F's scale. */
function normalizeByMean(fisher: Map<string, Float32Array>): void {
  const mean = meanImportance(fisher);
  if (!(mean > 0)) throw new Error('EWC: every Fisher importance is zero (is the base model already perfect on the Fisher sample?); turn normalisation off');
  for (const f of fisher.values()) for (let i = 0; i < f.length; i++) f[i] /= mean;
}

/** EWC (docs/methods.md §3.4): a quadratic pull toward θ₀ weighted by each weight's Fisher importance on the pretrain data. */
export const ewc = defineMethod({
  id: 'ewc',
  label: 'EWC',
  // Paul Tol's muted sand.
  style: { color: '#DDCC77', marker: 'hexagon', dash: 'longdashdot' },
  summary:
    'Elastic weight consolidation: before fine-tuning, estimates each pretrained weight\u2019s importance F from the pretrain pool ' +
    '(diagonal Fisher at θ₀), then adds λ·Σ F·(θ−θ₀)² to the target loss, so important weights stay close to θ₀. A new target head is not penalised.',
  reference:
    'Kirkpatrick et al., PNAS 2017, "Overcoming catastrophic forgetting in neural networks", eq. 3, in the form of Avalanche\u2019s EWCPlugin ' +
    '(penalty λ·Σ F·(θ−θ₀)² without the paper\u2019s ½; F = mean over mini-batches of the squared batch-mean gradient, true labels).',
  params: z.strictObject({
    lambda: z
      .number()
      .min(1e-4)
      .max(1e10)
      .default(1e5)
      .meta({
        label: 'λ (penalty strength)',
        help:
          'Coefficient of λ·Σ F·(θ−θ₀)² (Kirkpatrick et al. eq. 3, without the ½ as in Avalanche). Its scale depends on the Fisher: with the ' +
          'Avalanche Fisher on the built-in MLP, λ ≤ 1e3 barely acts and 1e5 … 1e6 is where it trades target for pretrain accuracy (docs/methods.md §4); ' +
          'the empirical Fisher is larger by about the batch size, and a mean-normalised Fisher needs λ ≈ 0.01 … 1.',
        log: true,
      }),
    fisher: z
      .enum(['avalanche', 'empirical'])
      .default('avalanche')
      .meta({
        label: 'Fisher estimate',
        help:
          '"avalanche": squared gradient of each mini-batch\u2019s mean loss, averaged over batches (Avalanche EWCPlugin). "empirical": squared ' +
          'per-sample gradients averaged over samples (true labels). The two differ by roughly the Fisher batch size, so λ values do not transfer between them.',
      }),
    normalize: z
      .boolean()
      .default(false)
      .meta({
        label: 'Normalise F by its mean',
        help:
          'Divides every importance by the mean importance over all penalised weights. F then has mean 1, the penalty reads as an L2-to-θ₀ ' +
          're-weighted by relative importance, and λ no longer depends on the Fisher\u2019s scale (estimate, batch size, model): λ ≈ 0.01 … 1 then.',
      }),
    fisherSamples: z.number().int().min(16).max(60000).default(2048).meta({
      label: 'Fisher samples',
      help: 'How many pretrain-pool samples (a seeded random subset; at most the whole pool) the importance is estimated from, once before training.',
    }),
    fisherBatchSize: z
      .number()
      .int()
      .min(1)
      .max(2048)
      .default(64)
      .meta({
        label: 'Fisher batch size',
        help:
          'Mini-batch size of the Avalanche estimate (Avalanche uses the training batch size; 64 is the built-in default). F shrinks roughly as ' +
          '1/batch size near θ₀, so λ depends on it. Ignored by the empirical estimate.',
      }),
  }),
  slots: [],
  // No saveState: F and θ* = θ₀ are recomputed by beforeTraining from θ₀ and the seed, bitwise the same, when a run resumes.
  create: ({ tf, params }) => {
    let terms: EwcTerm[] = [];
    // Keyed by the variable itself: the optimizer knows variables, not the model's weight names.
    const byVariable = new Map<tfType.Tensor, EwcTerm & { twoLambdaF: tfType.Tensor }>();
    return {
      beforeTraining: (setup) => {
        const base = setup.createBaseModel();
        const n = Math.min(params.fisherSamples, setup.pretrainPool.n);
        // A stream of its own: the training loop's batch order comes from Rng(seed).
        const rows = new Rng(setup.seed + 7).permutation(setup.pretrainPool.n).slice(0, n);
        const kind = params.fisher;
        let fisher: Map<string, Float32Array>;
        try {
          fisher = fisherDiagonal(tf, base, setup.pretrainPool, { kind, rows, batchSize: params.fisherBatchSize, loss: setup.tasks.pretrain.loss });
        } finally {
          base.dispose();
        }
        setup.log(`EWC: ${kind} Fisher from ${n} pretrain samples, mean importance ${meanImportance(fisher).toExponential(3)}`);
        if (params.normalize) normalizeByMean(fisher);
        terms = [...fisher].map(([name, f]) => ({
          param: setup.model.params.get(name)!,
          theta0: setup.theta0Tensors.get(name)!,
          fisher: tf.tensor(f, setup.model.params.get(name)!.shape),
        }));
        for (const t of terms) byVariable.set(t.param, { ...t, twoLambdaF: tf.mul(t.fisher, 2 * params.lambda) });
      },
      // ∂/∂θ λ·Σ F(θ−θ₀)² = 2λF(θ−θ₀), added to the loss gradient: the same step as differentiating the penalty in the tape.
      gradientTerm: (variable) => {
        const term = byVariable.get(variable);
        return term ? tf.tidy(() => tf.mul(term.twoLambdaF, tf.sub(term.param, term.theta0))) : null;
      },
      extras: () => {
        const value = ewcPenalty(tf, terms, params.lambda);
        const penalty = value.dataSync()[0];
        value.dispose();
        return { penalty };
      },
      dispose: () => {
        tf.dispose([...terms.map((t) => t.fisher), ...[...byVariable.values()].map((t) => t.twoLambdaF)]);
        terms = [];
        byVariable.clear();
      },
    };
  },
});
