import { z } from 'zod';
import type { DeviceData } from '../device-data';
import type { Model } from '../models/model';
import { Rng } from '../rng';
import { stateField } from '../resume/state-fields';
import { defineMethod } from './method';
import { lossBins, poolLoss } from './mixcd-partition';
import { MixCdSampler } from './mixcd-sampler';
import { memoryBatchParam, poolCorrectness, REHEARSAL_SEED_OFFSET, RehearsalEfficiency } from './rehearsal-stats';

/** Pool rows that are collateral damage now: correct under θ₀ (c0) and wrong under the current weights (ct). */
function damagedRows(c0: Uint8Array, ct: Uint8Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < c0.length; i++) if (c0[i] && !ct[i]) rows.push(i);
  return Int32Array.from(rows);
}

/**
 * mix-cd (docs/methods.md §3.7, [our design] from Bai et al.'s abstract): rehearse the pretrain samples
 * most likely to be collateral damage, estimated per class from the rehearsed samples' own forward pass.
 */
export const mixcd = defineMethod({
  id: 'mixcd',
  label: 'mix-cd rehearsal',
  // Paul Tol's muted teal.
  style: { color: '#44AA99', marker: 'pentagon', dash: 'longdashdot' },
  summary:
    'Rehearsal that spends its budget where collateral damage (pretrain samples θ₀ got right and the model now gets wrong) is likely: ' +
    'per part of the pool (class, or bin of θ₀\u2019s loss) the share of rehearsed correct-before samples predicted wrong is tracked from the same forward pass (no extra compute), ' +
    'and parts are drawn in proportion to their estimated number of damaged samples. The oracle variant recomputes the damage on the whole pool (extra forward passes) as an upper bound.',
  reference:
    'Bai, Yeh, Hsieh, Taly, "Which Pretrain Samples to Rehearse when Finetuning Pretrained Models?", arXiv 2402.08096 (2024); no public code. ' +
    'Estimator and sampler as in docs/methods.md §3.7 [our design]: r̂[k] = (wrong[k]+a)/(seen[k]+a+b), w[k] = N1[k]·r̂[k], q[k] = (1−ε)·w[k]/Σw + ε/K.',
  params: z.strictObject({
    memoryBatch: memoryBatchParam,
    decay: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .meta({
        label: 'Count decay',
        help:
          'Per-step factor on each class\u2019s seen/wrong counts (docs/methods.md §3.7): forgetting is non-stationary, so old observations fade. ' +
          '0.95 remembers about the last 20 steps; 1 never forgets.',
      }),
    a: z
      .number()
      .min(0)
      .max(1000)
      .default(0.2)
      .meta({
        label: 'Prior wrong count a',
        help:
          'Pseudo-count of wrong predictions in r̂[k] = (wrong+a)/(seen+a+b), a Beta(a, b) prior with mean a/(a+b). ' +
          'a = 0.2, b = 1 guesses 1/6, near the damage rates of correct-before samples seen on the built-in digits (≈ 0.15); ' +
          'a = b = 1 (Laplace) guesses 1/2 and blurs the differences between parts there.',
      }),
    b: z.number().min(0).max(1000).default(1).meta({
      label: 'Prior right count b',
      help: 'Pseudo-count of right predictions in r̂[k] = (wrong+a)/(seen+a+b); a larger b starts from a lower guessed damage rate.',
    }),
    epsilon: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .meta({
        label: 'Exploration ε',
        help:
          'Share of the rehearsal budget spread evenly over the classes, q[k] = (1−ε)·w[k]/Σw + ε/K, so that every class keeps being observed ' +
          'and its estimate can react when it starts to be forgotten. 0 = purely greedy, 1 = uniform over classes.',
      }),
    partition: z
      .enum(['class', 'loss'])
      .default('class')
      .meta({
        label: 'Partition',
        help:
          'How the pretrain pool is cut into the parts whose damage rates are estimated. class: one part per class (docs/methods.md §3.7 default). ' +
          'loss: bins of θ₀\u2019s loss on the correct-before samples, the "prior loss" partition of Bai et al. (v2): samples θ₀ barely got right are forgotten first.',
      }),
    lossBins: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .meta({
        label: 'Loss bins',
        appliesWhen: { partition: 'loss' },
        help: 'Loss partition only: number of equal-count bins of θ₀\u2019s loss over the correct-before samples.',
      }),
    variant: z
      .enum(['estimated', 'oracle'])
      .default('estimated')
      .meta({
        label: 'Variant',
        help:
          'estimated: the sampler above, at the cost of random rehearsal. oracle: every N steps, recompute the current correctness on the whole ' +
          'pretrain pool (one extra forward pass over it) and rehearse uniformly among the samples that are collateral damage now — the upper bound the estimate is judged by.',
      }),
    oracleEvery: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(10)
      .meta({
        label: 'Oracle refresh N (steps)',
        appliesWhen: { variant: 'oracle' },
        help: 'Oracle variant only: steps between two recomputations of the collateral damage on the whole pool. Smaller is closer to the truth and costs more.',
      }),
  }),
  setting: (params) => params.variant,
  slots: ['sampler'],
  validate: (_params, { objective }) =>
    objective === 'language-model'
      ? [
          'mix-cd estimates which pretrain samples turned from right to wrong; a language model\u2019s sequences have no single right answer, so use random rehearsal for language models',
        ]
      : [],
  create: ({ tf, params }) => {
    const memoryBatch = params.memoryBatch;
    const oracle = params.variant === 'oracle';
    const every = params.oracleEvery;
    let sampler: MixCdSampler | null = null;
    let efficiency: RehearsalEfficiency | null = null;
    let rng: Rng | null = null;
    let c0: Uint8Array = new Uint8Array(0);
    let pool: DeviceData | null = null;
    let model: Model | null = null;
    let damaged: Int32Array = new Int32Array(0);
    let oracleForwards = 0;

    const drawDamaged = (): Int32Array => Int32Array.from({ length: memoryBatch }, () => damaged[Math.floor(rng!.next() * damaged.length)]);

    return {
      beforeTraining: (setup) => {
        pool = setup.pretrainPool;
        model = setup.model;
        // θ₀ itself, not the model as it stands: in a sequence of tasks later stages start from fine-tuned weights.
        const base = setup.createBaseModel();
        c0 = poolCorrectness(tf, pool, base);
        const byLoss = params.partition === 'loss';
        const parts = byLoss ? params.lossBins : pool.source.classes.length;
        const partOf = byLoss ? lossBins(poolLoss(tf, pool, base), c0, parts) : pool.source.y;
        base.dispose();
        sampler = new MixCdSampler(partOf, parts, c0, {
          decay: params.decay,
          a: params.a,
          b: params.b,
          epsilon: params.epsilon,
        });
        efficiency = new RehearsalEfficiency(c0);
        rng = new Rng(setup.seed + REHEARSAL_SEED_OFFSET);
        const n1 = sampler.n1;
        setup.log(
          `mix-cd (${params.variant}, by ${params.partition}): ${memoryBatch} pretrain samples per step; correct-before samples per part N1 = [${n1.join(', ')}]`,
        );
        if (n1.every((n) => n === 0)) setup.log('mix-cd: θ₀ classifies no pool sample correctly, so none can be collateral damage; nothing is rehearsed');
      },
      rehearsal: (step) => {
        if (oracle && (step - 1) % every === 0) {
          damaged = damagedRows(c0, poolCorrectness(tf, pool!, model!));
          oracleForwards += pool!.n;
        }
        // Until anything is damaged (always at step 1) the oracle falls back to the estimate.
        if (oracle && damaged.length) return drawDamaged();
        const rows = sampler!.draw(rng!, memoryBatch);
        return rows.length ? rows : null;
      },
      observeRehearsal: (rows, correct) => {
        efficiency!.observe(rows, correct);
        // The oracle's rows were damaged when chosen, so its estimate reads high; it only serves the fallback.
        sampler!.observe(rows, correct);
      },
      // c₀, the parts and their candidates are rebuilt by beforeTraining from θ₀; the counts, the draws and the oracle's last look are not.
      saveState: () => ({
        sampler: sampler!.saveState(),
        efficiency: efficiency!.saveState(),
        rng: rng!.getState(),
        damaged: damaged.slice(),
        oracleForwards,
      }),
      restoreState: (state) => {
        const last = stateField(state, 'mix-cd', 'damaged', 'Int32Array');
        const forwards = stateField(state, 'mix-cd', 'oracleForwards', 'number');
        sampler!.restoreState(stateField(state, 'mix-cd', 'sampler', 'object'));
        efficiency!.restoreState(stateField(state, 'mix-cd', 'efficiency', 'object'));
        rng!.setState(stateField(state, 'mix-cd', 'rng', 'number'));
        damaged = last.slice();
        oracleForwards = forwards;
      },
      extras: () => ({
        ...efficiency!.takeExtras(),
        cdRateEstimate: sampler!.rates(),
        ...(oracle ? { oracleDamagedInPool: damaged.length, oracleExtraForwardSamples: oracleForwards } : { rehearsalShare: sampler!.shares() }),
      }),
    };
  },
});
