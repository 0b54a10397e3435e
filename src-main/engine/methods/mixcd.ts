import type * as tfType from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { DeviceData } from '../device-data';
import type { Model } from '../models/model';
import { Rng } from '../rng';
import { stateField } from '../resume/state-fields';
import { defineMethod } from './method';
import {
  alignmentBins,
  classMarginBins,
  kmeansParts,
  lossBins,
  marginBins,
  PARTITIONS,
  poolAlignment,
  poolFeatures,
  poolLoss,
  poolMargin,
  type Partition,
} from './mixcd-partition';
import { OracleDamage } from './mixcd-oracle';
import { MixCdSampler } from './mixcd-sampler';
import { memoryBatchParam, poolCorrectness, REHEARSAL_SEED_OFFSET, RehearsalEfficiency, rowsCorrectness } from './rehearsal-stats';

/** Offset of the k-means seeding stream from the run's seed, apart from the rehearsal draws'. */
const KMEANS_SEED_OFFSET = 7_002;

/** The parameters that choose mix-cd's partition. */
interface PartitionParams {
  partition: Partition;
  lossBins: number;
  marginBins: number;
  clusters: number;
  alignBins: number;
}

/** The parts of the pretrain pool that mix-cd's sampler estimates (docs/methods.md §3.7), from θ₀ (`base`) and its correctness c0. */
function partitionPool(
  tf: typeof tfType,
  params: PartitionParams,
  pool: DeviceData,
  base: Model,
  c0: Uint8Array,
  seed: number,
): { parts: number; partOf: Int32Array } {
  const classes = pool.source.classes.length;
  switch (params.partition) {
    case 'class':
      return { parts: classes, partOf: pool.source.y };
    case 'loss':
      return { parts: params.lossBins, partOf: lossBins(poolLoss(tf, pool, base), c0, params.lossBins) };
    case 'margin':
      return { parts: params.marginBins, partOf: marginBins(poolMargin(tf, pool, base), c0, params.marginBins) };
    case 'class-margin':
      return { parts: classes * params.marginBins, partOf: classMarginBins(poolMargin(tf, pool, base), pool.source.y, classes, c0, params.marginBins) };
    case 'kmeans': {
      const { features, dim } = poolFeatures(tf, pool, base);
      return { parts: params.clusters, partOf: kmeansParts(features, dim, c0, params.clusters, new Rng(seed + KMEANS_SEED_OFFSET)) };
    }
    case 'gradient':
      // Bins of row order for now: the first step's target batch re-cuts them before anything is drawn.
      return { parts: params.alignBins, partOf: alignmentBins(new Float32Array(pool.n), c0, params.alignBins) };
  }
}

/**
 * mix-cd (docs/methods.md §3.7, [our design] from Bai et al.'s abstract): rehearse the pretrain samples
 * most likely to be collateral damage, estimated per part of the pool (a class by default) from the rehearsed samples' own forward pass.
 */
export const mixcd = defineMethod({
  id: 'mixcd',
  label: 'mix-cd rehearsal',
  // Paul Tol's muted teal.
  style: { color: '#44AA99', marker: 'pentagon', dash: 'longdashdot' },
  summary:
    'Rehearsal that spends its budget where collateral damage (pretrain samples θ₀ got right and the model now gets wrong) is likely: ' +
    'per part of the pool (class, bin of θ₀\u2019s loss or margin, class × margin bin, or k-means cluster of θ₀\u2019s features) the share of rehearsed correct-before samples predicted wrong is tracked from the same forward pass (no extra compute), ' +
    'and parts are drawn in proportion to their estimated number of damaged samples. The oracle variant, the upper bound, rehearses the samples that are damage as last checked: a rotating slice of the pool every step, the whole pool every N steps and every drawn sample before it is used (extra forward passes, no backward).',
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
          'Per-step factor on each part\u2019s seen/wrong counts (docs/methods.md §3.7): forgetting is non-stationary, so old observations fade. ' +
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
          'Share of the rehearsal budget spread evenly over the parts (classes by default), q[k] = (1−ε)·w[k]/Σw + ε/K, so that every part keeps being observed ' +
          'and its estimate can react when it starts to be forgotten. 0 = purely greedy, 1 = uniform over the parts.',
      }),
    partition: z
      .enum(PARTITIONS)
      .default('class')
      .meta({
        label: 'Partition',
        help:
          'How the pretrain pool is cut into the parts whose damage rates are estimated (docs/methods.md §3.7). class: one part per class (the default). ' +
          'loss: bins of θ₀\u2019s loss on the correct-before samples, the "prior loss" partition of Bai et al. (v2): samples θ₀ barely got right are forgotten first. ' +
          'margin: bins of θ₀\u2019s top-1 minus top-2 probability. class-margin: margin bins within each class (classes × bins parts). ' +
          'kmeans: k-means clusters of θ₀\u2019s penultimate-layer features, seeded by the run\u2019s seed. Each costs one forward pass of θ₀ over the pool before training; kmeans also its clustering. ' +
          'gradient: bins of the cosine between each sample\u2019s loss gradient and the current target batch\u2019s, at the head (or, with a new target head, at the features both heads read), ' +
          'recomputed every N steps: samples the target\u2019s updates push against are the likely damage. It costs one forward pass of the current model over the pool per refresh.',
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
    marginBins: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta({
        label: 'Margin bins',
        appliesWhen: { partition: ['margin', 'class-margin'] },
        help:
          'Margin and class-margin partitions only: number of equal-count bins of θ₀\u2019s top-1 minus top-2 probability over the correct-before samples ' +
          '(class-margin: within each class, so classes × bins parts, each estimated from fewer rehearsed samples).',
      }),
    clusters: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .meta({
        label: 'Clusters k',
        appliesWhen: { partition: 'kmeans' },
        help: 'k-means partition only: number of clusters of θ₀\u2019s penultimate-layer features (one part each).',
      }),
    alignBins: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .meta({
        label: 'Alignment bins',
        appliesWhen: { partition: 'gradient' },
        help: 'Gradient partition only: number of equal-count bins of the gradient cosine over the correct-before samples (part 0 the most opposed to the target\u2019s step).',
      }),
    alignEvery: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(10)
      .meta({
        label: 'Alignment refresh N (steps)',
        appliesWhen: { partition: 'gradient' },
        help: 'Gradient partition only: steps between two recomputations of the alignment on the whole pool (each one forward pass over it, with the step\u2019s target batch).',
      }),
    variant: z
      .enum(['estimated', 'oracle'])
      .default('estimated')
      .meta({
        label: 'Variant',
        help:
          'estimated: the sampler above, at the cost of random rehearsal. oracle: keep checking the current correctness of the pretrain pool ' +
          '(a rotating slice of it every step, the whole pool every N steps, and each drawn sample before it is rehearsed; extra forward passes only) ' +
          'and rehearse uniformly among the samples that are collateral damage as last checked — the upper bound the estimate is judged by.',
      }),
    oracleSlice: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(64)
      .meta({
        label: 'Oracle slice (rows per step)',
        appliesWhen: { variant: 'oracle' },
        help:
          'Oracle variant only: pool rows re-checked at every step between full passes, the next ones round the pool, so each row is re-checked every pool/slice steps. ' +
          'The default 64 forwards (no backward) one target batch more per step, about a fifth of a training step\u2019s cost on the digits MLP; 0 checks only at the full passes.',
      }),
    oracleEvery: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100)
      .meta({
        label: 'Oracle full pass N (steps)',
        appliesWhen: { variant: 'oracle' },
        help:
          'Oracle variant only: steps between two checks of the whole pool (the first at step 1), one forward pass over it each. ' +
          'Smaller is closer to the truth and costs more: with 1, 10 or 100, a pool of 4,800 digits adds 4,800, 480 or 48 forwarded rows per step on average.',
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
    const aligned = params.partition === 'gradient';
    let sampler: MixCdSampler | null = null;
    let efficiency: RehearsalEfficiency | null = null;
    let rng: Rng | null = null;
    let c0: Uint8Array = new Uint8Array(0);
    let pool: DeviceData | null = null;
    let model: Model | null = null;
    let damage: OracleDamage | null = null;
    let alignForwards = 0;
    let target: DeviceData | null = null;
    let sameHead = true;

    const check = (rows: Int32Array) => rowsCorrectness(tf, pool!, model!, rows);

    return {
      beforeTraining: (setup) => {
        pool = setup.pretrainPool;
        model = setup.model;
        target = setup.targetTrain;
        sameHead = setup.sameHead;
        // θ₀ itself, not the model as it stands: in a sequence of tasks later stages start from fine-tuned weights.
        const base = setup.createBaseModel();
        c0 = poolCorrectness(tf, pool, base);
        const { parts, partOf } = partitionPool(tf, params, pool, base, c0, setup.seed);
        base.dispose();
        sampler = new MixCdSampler(partOf, parts, c0, {
          decay: params.decay,
          a: params.a,
          b: params.b,
          epsilon: params.epsilon,
        });
        efficiency = new RehearsalEfficiency(c0);
        damage = oracle ? new OracleDamage(c0, { slice: params.oracleSlice, every: params.oracleEvery }) : null;
        rng = new Rng(setup.seed + REHEARSAL_SEED_OFFSET);
        const n1 = sampler.n1;
        setup.log(
          `mix-cd (${params.variant}, by ${params.partition}): ${memoryBatch} pretrain samples per step; correct-before samples per part N1 = [${n1.join(', ')}]`,
        );
        if (n1.every((n) => n === 0)) setup.log('mix-cd: θ₀ classifies no pool sample correctly, so none can be collateral damage; nothing is rehearsed');
      },
      rehearsal: (step, batch) => {
        if (aligned && (step - 1) % params.alignEvery === 0) {
          sampler!.repartition(alignmentBins(poolAlignment(tf, pool!, model!, target!, batch, sameHead), c0, params.alignBins));
          alignForwards += pool!.n;
        }
        damage?.refresh(step, check);
        const damaged = damage ? damage.draw(rng!, memoryBatch, check) : new Int32Array(0);
        // While too little is damaged (nothing at step 1 of a first stage) the oracle fills its budget from the estimate.
        const rest = damaged.length < memoryBatch ? sampler!.draw(rng!, memoryBatch - damaged.length) : new Int32Array(0);
        const rows = rest.length ? Int32Array.of(...damaged, ...rest) : damaged;
        return rows.length ? rows : null;
      },
      observeRehearsal: (rows, correct) => {
        efficiency!.observe(rows, correct);
        // The oracle's rows were damaged when chosen, so its estimate reads high; it only serves the fallback.
        sampler!.observe(rows, correct);
        damage?.observe(rows, correct);
      },
      // c₀, the parts and their candidates are rebuilt by beforeTraining from θ₀; the counts, the draws and the oracle's last looks are not.
      saveState: () => ({
        sampler: sampler!.saveState(),
        efficiency: efficiency!.saveState(),
        rng: rng!.getState(),
        ...(damage ? { oracle: damage.saveState() } : {}),
        // The gradient partition's parts come from the model at its last refresh, which a resume cannot recompute.
        ...(aligned ? { parts: sampler!.parts.slice(), alignForwards } : {}),
      }),
      restoreState: (state) => {
        sampler!.restoreState(stateField(state, 'mix-cd', 'sampler', 'object'));
        efficiency!.restoreState(stateField(state, 'mix-cd', 'efficiency', 'object'));
        rng!.setState(stateField(state, 'mix-cd', 'rng', 'number'));
        damage?.restoreState(stateField(state, 'mix-cd', 'oracle', 'object'));
        if (aligned) {
          const parts = stateField(state, 'mix-cd', 'parts', 'Int32Array', pool!.n);
          if (parts.some((k) => k < 0 || k >= params.alignBins))
            throw new Error(`resume point does not fit this job: the saved mix-cd parts are not all in 0..${params.alignBins - 1}`);
          sampler!.repartition(parts.slice());
          alignForwards = stateField(state, 'mix-cd', 'alignForwards', 'number');
        }
      },
      extras: () => ({
        ...efficiency!.takeExtras(),
        cdRateEstimate: sampler!.rates(),
        ...(aligned ? { alignExtraForwardSamples: alignForwards } : {}),
        ...(damage ? { oracleDamagedInPool: damage.damaged.length, oracleExtraForwardSamples: damage.extraForwards } : { rehearsalShare: sampler!.shares() }),
      }),
    };
  },
});
