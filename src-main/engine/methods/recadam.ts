import { z } from 'zod';
import { annealLambda, RecAdam, recadamStability, type RecAdamSettings } from '../optimizers/recadam';
import { defineMethod, type TrainingSetup } from './method';

/**
 * t0 and k in optimizer steps. 'relative' gives t0 as a fraction of the run and k per run, so one
 * setting keeps its shape whatever the run length (docs/methods.md §3.5: t0 ≈ 10–40% of the steps, k ≈ 10/t0).
 */
export function recadamSchedule(schedule: string, t0: number, k: number, totalSteps: number): { t0: number; k: number } {
  if (schedule === 'steps') return { t0, k };
  if (t0 > 1) {
    throw new Error(
      `RecAdam: params.t0 = ${t0} is a fraction of the run when params.schedule is 'relative'; give 0…1, or set params.schedule to 'steps' to give t0 in optimizer steps.`,
    );
  }
  return { t0: t0 * totalSteps, k: k / totalSteps };
}

/** RecAdam (docs/methods.md §3.5): the target step scaled by λ(t), plus a decoupled pull toward θ₀ that fades as λ → 1. */
export const recadam = defineMethod({
  id: 'recadam',
  label: 'RecAdam',
  // Paul Tol's muted wine.
  style: { color: '#882255', marker: 'x', dash: 'dashdot' },
  summary:
    'An Adam variant that recalls the pretrained weights: early steps pull the weights back toward θ₀, and the target task ' +
    'takes over as λ(t) rises from 0 to 1 (recorded with every evaluation as recadamLambda). Reference semantics of RecAdam.py.',
  reference:
    'Chen et al., EMNLP 2020, "Recall and Learn", Eq. 3–5 and Algorithm 1: objective λ(t)·L_T + (1−λ(t))·(γ/2)·Σ(θ−θ₀)², ' +
    'implemented decoupled as in github.com/Sanyuan-Chen/RecAdam RecAdam.py: θ ← θ − lr·√(1−β2ᵗ)/(1−β1ᵗ)·λ·m/(√v+ε), ' +
    'then θ ← θ − lr·(1−λ)·γ·(θ−θ₀), then θ ← θ − lr·wd·θ; β = (0.9, 0.999), ε = 1e-8 on √v (the GLUE script\u2019s adam_epsilon).',
  params: z.strictObject({
    pretrainCof: z
      .number()
      .min(0)
      .max(1e5)
      .default(100)
      .meta({
        label: 'γ (pull strength)',
        help:
          'Coefficient of the quadratic recall term (γ/2)·Σ(θ−θ₀)² (Eq. 3). Each step moves θ a share c = lr·(1−λ)·γ of the way back to θ₀, ' +
          'with the raw learning rate: lr·γ ≈ 0.05–0.5 is the useful range and lr·γ ≥ 2 diverges, so such runs are refused. ' +
          'The paper\u2019s 5000 assumes lr = 2e-5; with lr = 1e-3, γ ≈ 100 (docs/methods.md §4).',
      }),
    anneal: z
      .enum(['sigmoid', 'linear', 'constant'])
      .default('sigmoid')
      .meta({
        label: 'λ(t) schedule',
        help:
          'How the weight of the target loss rises (Eq. 5): sigmoid 1/(1+exp(−k·(t−t0))) (the paper\u2019s choice), linear min(1, t/t0), ' +
          'or constant 1 (no pull: plain AdamW with ε on √v).',
      }),
    schedule: z
      .enum(['relative', 'steps'])
      .default('relative')
      .meta({
        label: 't0 and k unit',
        help:
          '\u2018relative\u2019: t0 is a fraction of the run\u2019s optimizer steps and k is per run (k per step = k / total steps), so a setting ' +
          'keeps its shape when the budget changes. \u2018steps\u2019: t0 and k in optimizer steps, as in the paper (grid t0 ∈ {100…1000}, k ∈ {0.05…1}).',
      }),
    t0: z
      .number()
      .min(0)
      .max(1e6)
      .default(0.67)
      .meta({
        label: 't0 (midpoint of λ)',
        help:
          'The step where λ = ½ (sigmoid) or reaches 1 (linear), Eq. 5. Relative: 0…1 of the run (default 0.67 ≈ 2 of the 3 default epochs, ' +
          'docs/methods.md §4); steps: an optimizer step count.',
      }),
    k: z
      .number()
      .min(0)
      .max(1e4)
      .default(10)
      .meta({
        label: 'k (steepness of λ)',
        help:
          'Slope of the sigmoid, Eq. 5; smaller k shifts from recall to learning more slowly and keeps the weights closer to θ₀. ' +
          'Relative: per run (10 over a 225-step run is 0.044 per step, at the slow end of the 0.05–0.5 of docs/methods.md §4, so λ climbs smoothly ' +
          'from ≈0 to ≈0.96 over the run; on rotated digits k = 40 keeps ≈56% pretrain accuracy against ≈74% at k = 10); steps: per optimizer step.',
      }),
    pull: z
      .enum(['pretrained', 'backbone'])
      .default('pretrained')
      .meta({
        label: 'Weights pulled toward θ₀',
        help:
          '\u2018pretrained\u2019: every weight that has a θ₀, i.e. the backbone and the pretrain head, which the target reuses when the label ' +
          'space is the same (the reference pulls exactly its pretrained weights). \u2018backbone\u2019: the backbone only; the heads take the ' +
          'reference\u2019s head path (anneal_w = 0, plain AdamW). A new target head always takes the head path.',
      }),
    weightDecay: z.number().min(0).max(1).default(0).meta({
      label: 'Weight decay',
      help: 'Decoupled decay θ ← θ − lr·wd·θ applied last, on kernels only (the reference GLUE script exempts biases). 0 as in the paper.',
    }),
  }),
  slots: ['optimizer'],
  validate: (params, { learningRate }) => {
    const problem = recadamStability(learningRate, params.pretrainCof);
    return problem ? [problem] : [];
  },
  // No saveState: RecAdam's moments and steps are the optimizer's state, which the trainer saves with every resume point.
  create: ({ tf, params }) => {
    let setup: TrainingSetup | null = null;
    let settings: RecAdamSettings | null = null;
    let optimizer: RecAdam | null = null;
    return {
      beforeTraining: (s) => {
        const problem = recadamStability(s.learningRate, params.pretrainCof);
        if (problem) throw new Error(problem);
        setup = s;
        settings = {
          learningRate: s.learningRate,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          weightDecay: params.weightDecay,
          anneal: params.anneal,
          ...recadamSchedule(params.schedule, params.t0, params.k, s.totalSteps),
          annealW: 1,
          pretrainCof: params.pretrainCof,
        };
      },
      optimizer: (named, learningRate) => {
        const { theta0Tensors, model, log } = setup!;
        const pulled = new Set(params.pull === 'backbone' ? model.backboneNames() : theta0Tensors.keys());
        const weights = named.map(({ name, variable }) => ({
          variable,
          pretrained: pulled.has(name) ? (theta0Tensors.get(name) ?? null) : null,
          decay: !name.endsWith('/bias'),
        }));
        const s = { ...settings!, learningRate };
        const n = weights.filter((w) => w.pretrained).length;
        log(
          `RecAdam: ${s.anneal} λ(t), t0 = ${s.t0.toFixed(1)} steps, k = ${s.k.toPrecision(3)} per step; lr·γ = ${(learningRate * s.pretrainCof).toPrecision(3)}; ` +
            `${n} tensors pulled toward θ₀, ${weights.length - n} on the head path`,
        );
        optimizer = new RecAdam(tf, weights, s);
        return optimizer;
      },
      extras: () => {
        const s = settings!;
        return { recadamLambda: optimizer ? optimizer.lambda : annealLambda(s.anneal, 0, s.k, s.t0, s.annealW) };
      },
    };
  },
});
