import { z } from 'zod';
import { fisherDiagonal } from '../fisher';
import type { Model } from '../models/model';
import { Rng } from '../rng';
import { defineMethod, type TrainingSetup } from './method';

/** Floor of the Fisher diagonals in the weighted merge (wise-ft's default). */
const FISHER_FLOOR = 1e-8;

/** Fisher diagonals for the weighted merge; missing tensors count as 1. */
export interface MergeFisher {
  fisher0: Map<string, ArrayLike<number>> | null;
  fisher1: Map<string, ArrayLike<number>> | null;
  floor: number;
}

/**
 * WiSE-FT merge of every tensor θ₀ has (reference `_merge` of mlfoundations/wise-ft):
 * θ(α) = (1−α)·θ₀ + α·θ_ft; Fisher-weighted: f = max(F, floor), c₀ = (1−α)f₀, c₁ = αf₁,
 * θ = (c₀θ₀ + c₁θ_ft)/(c₀ + c₁). α = 0 gives θ₀ and α = 1 gives θ_ft exactly.
 */
export function wiseMerge(
  theta0: Map<string, ArrayLike<number>>,
  theta1: Map<string, ArrayLike<number>>,
  alpha: number,
  fisher?: MergeFisher,
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [name, t0] of theta0) {
    const t1 = theta1.get(name);
    if (!t1 || t1.length !== t0.length) throw new Error(`WiSE-FT: fine-tuned weights lack a tensor matching ${name}`);
    const merged = new Float64Array(t0.length);
    const f0 = fisher?.fisher0?.get(name);
    const f1 = fisher?.fisher1?.get(name);
    for (let i = 0; i < t0.length; i++) {
      if (fisher) {
        const c0 = (1 - alpha) * Math.max(f0 ? f0[i] : 1, fisher.floor);
        const c1 = alpha * Math.max(f1 ? f1[i] : 1, fisher.floor);
        merged[i] = (c0 * t0[i] + c1 * t1[i]) / (c0 + c1);
      } else {
        merged[i] = (1 - alpha) * t0[i] + alpha * t1[i];
      }
    }
    out.set(name, merged);
  }
  return out;
}

/** WiSE-FT (docs/methods.md §3.8): fine-tune as vanilla, then sweep the weight-space interpolation α. */
export const wiseft = defineMethod({
  id: 'wiseft',
  label: 'WiSE-FT interpolation',
  // Paul Tol's muted indigo.
  style: { color: '#332288', marker: 'diamond', dash: 'dash' },
  summary:
    'Fine-tunes like vanilla, then evaluates θ(α) = (1−α)·θ₀ + α·θ_ft for every α of the sweep (no extra training). ' +
    'With a new target head only the shared weights are interpolated. The run reports the model at α = "report α".',
  reference: 'Wortsman et al., CVPR 2022, "Robust fine-tuning of zero-shot models", §3 (weight-space ensembling); Lin et al. 2023 §4.',
  params: z.strictObject({
    alphas: z.array(z.number().min(0).max(1)).min(1).max(101).default([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]).meta({
      label: 'α sweep',
      help: 'Mixing coefficients to evaluate: 0 = base model θ₀, 1 = fine-tuned θ_ft. One evaluation each, no training.',
    }),
    weighting: z
      .enum(['plain', 'fisher'])
      .default('plain')
      .meta({
        label: 'Weighting',
        help:
          'plain: θ(α) = (1−α)·θ₀ + α·θ_ft. fisher: each weight mixed in proportion to its importance, f₀ = F of θ₀ on the pretrain pool, ' +
          'f₁ = F of θ_ft on the target set (Avalanche estimator), θ = ((1−α)f₀θ₀ + αf₁θ_ft)/((1−α)f₀ + αf₁), f floored at 1e-8 (wise-ft _merge).',
      }),
    fisherSamples: z
      .number()
      .int()
      .min(16)
      .max(60000)
      .default(1024)
      .meta({
        label: 'Fisher samples',
        appliesWhen: { weighting: 'fisher' },
        help: 'How many samples of each set estimate the Fisher diagonals (fisher weighting only); one forward and backward pass each, after training.',
      }),
    reportAlpha: z.number().min(0).max(1).default(0.5).meta({
      label: 'Report α',
      help: 'The α whose merged model is the run\u2019s result (its point in the comparison scatter).',
    }),
  }),
  slots: [],
  postHoc: true,
  validate: (_params, { sequence }) =>
    sequence
      ? ['WiSE-FT interpolates one fine-tuning with θ₀; a sequence of tasks has several, so its sweep is not defined there (run it on each task alone)']
      : [],
  // No saveState: nothing changes until afterTraining, which a resumed run reaches as the uninterrupted one does.
  create: ({ tf, params }) => {
    let setup: TrainingSetup | null = null;
    /** F₀ of θ₀ on the pretrain pool and F₁ of θ_ft on the target set (same estimator as EWC's default). */
    const fishers = (model: Model): MergeFisher => {
      const s = setup!;
      const sample = (n: number) => new Rng(s.seed + 53).permutation(n).subarray(0, Math.min(n, params.fisherSamples));
      const base = s.createBaseModel();
      const fisher0 = fisherDiagonal(tf, base, s.pretrainPool, {
        kind: 'avalanche',
        rows: sample(s.pretrainPool.n),
        batchSize: 64,
        head: 'pretrain',
        loss: s.tasks.pretrain.loss,
      });
      base.dispose();
      // Every weight must carry a gradient for its Fisher, whichever ones the method trained.
      model.setTrainable(null);
      const fisher1 = fisherDiagonal(tf, model, s.targetTrain, {
        kind: 'avalanche',
        rows: sample(s.targetTrain.n),
        batchSize: 64,
        head: 'target',
        loss: s.tasks.target.loss,
      });
      return { fisher0, fisher1, floor: FISHER_FLOOR };
    };
    return {
      beforeTraining: (s) => {
        setup = s;
      },
      afterTraining: ({ model, theta0, evaluate }) => {
        const thetaFt = model.snapshot();
        const fisher = params.weighting === 'fisher' ? fishers(model) : undefined;
        // With a new target head only the backbone is interpolated (docs/methods.md §3.8): the pretrain
        // head keeps its fine-tuned weights (θ₀'s unless rehearsal or LwF trained it).
        const shared = setup!.sameHead ? theta0 : new Map(model.backboneNames().map((name) => [name, theta0.get(name)!]));
        const assign = (alpha: number) => {
          for (const [name, values] of wiseMerge(shared, thetaFt, alpha, fisher)) {
            const v = model.params.get(name)!;
            const merged = tf.tensor(Float32Array.from(values), v.shape);
            v.assign(merged);
            merged.dispose();
          }
        };
        for (const alpha of params.alphas) {
          assign(alpha);
          evaluate('sweep', alpha);
        }
        assign(params.reportAlpha);
      },
      dispose: () => {
        setup = null;
      },
    };
  },
});
