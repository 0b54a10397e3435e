import type * as tfType from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineMethod } from './method';

/** Which distance to θ₀ is penalised. */
export type AnchorNorm = 'l2' | 'l1';

/** A live weight and its base value θ₀ (same shape). */
export interface AnchoredWeight {
  param: tfType.Tensor;
  theta0: tfType.Tensor;
}

/** The L2-SP penalty (α/2)·Σ(θ−θ₀)², or its L1 form α·Σ|θ−θ₀|, over the given weights. */
export function anchorPenalty(tf: typeof tfType, weights: AnchoredWeight[], norm: AnchorNorm, alpha: number): tfType.Scalar {
  return tf.tidy(() => {
    const sums = weights.map(({ param, theta0 }) => {
      const d = tf.sub(param, theta0);
      return tf.sum(norm === 'l2' ? tf.square(d) : tf.abs(d));
    });
    return tf.mul(norm === 'l2' ? alpha / 2 : alpha, tf.addN(sums));
  }) as tfType.Scalar;
}

/** The gradient of anchorPenalty for one weight: α·(θ−θ₀) for L2, α·sign(θ−θ₀) for L1 (0 at θ = θ₀, as autodiff of |x| gives). */
export function anchorGradient(tf: typeof tfType, { param, theta0 }: AnchoredWeight, norm: AnchorNorm, alpha: number): tfType.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(param, theta0);
    return tf.mul(norm === 'l2' ? d : tf.sign(d), alpha);
  });
}

/** L2-to-pretrained (docs/methods.md §3.3): the target loss plus a penalty on the distance of the pretrained weights from θ₀. */
export const l2sp = defineMethod({
  id: 'l2-sp',
  label: 'L2-SP (L2 / L1 to pretrained)',
  // Paul Tol's muted olive.
  style: { color: '#999933', marker: 'cross', dash: 'dash' },
  summary:
    'Adds (α/2)·Σ(θ−θ₀)² (or α·Σ|θ−θ₀|) to the target loss over every pretrained weight: the backbone, and the pretrain head when the ' +
    'target reuses it (a new target head is free). The penalty\u2019s gradient goes through Adam with the target gradient, unlike RecAdam\u2019s decoupled pull toward θ₀.',
  reference:
    'Li, Grandvalet & Davoine, ICML 2018, "Explicit Inductive Bias for Transfer Learning with Convolutional Networks": the L²-SP penalty ' +
    'Ω(w) = (α/2)·‖w_S − w⁰_S‖² and its L¹-SP variant α·‖w_S − w⁰_S‖₁ (docs/methods.md §3.3).',
  params: z.strictObject({
    norm: z.enum(['l2', 'l1']).default('l2').meta({
      label: 'Norm',
      help: '"l2": (α/2)·Σ(θ−θ₀)², the L²-SP penalty of Li et al. 2018. "l1": α·Σ|θ−θ₀| (their L¹-SP): its gradient has size α however small the change, so weights the target barely needs stay near θ₀.',
    }),
    alpha: z
      .number()
      .min(1e-6)
      .max(100)
      .default(0.1)
      .meta({
        label: 'α (penalty strength)',
        help:
          'Coefficient of the penalty (Li et al. 2018, L²-SP). Its gradient is added to the target gradient and both go through Adam ' +
          '(not a decoupled pull as in RecAdam). On the built-in MLP with L2, α ≈ 0.01 has little effect and α ≈ 1 keeps most pretrain accuracy ' +
          'but learns little (docs/methods.md §4). L1 pulls every moved weight with the same force α and needs about 100× less: α ≈ 1e-4 (little effect) … 1e-2 (keeps most).',
        log: true,
      }),
  }),
  slots: [],
  create: ({ tf, params }) => {
    // Keyed by the variable itself: the optimizer knows variables, not the model's weight names.
    let weights = new Map<tfType.Tensor, AnchoredWeight>();
    const [norm, alpha] = [params.norm, params.alpha];
    return {
      // θ₀'s tensors are the pretrained ones (a new target head is not among them); they belong to the trainer.
      beforeTraining: (setup) => {
        weights = new Map(
          [...setup.theta0Tensors].map(([name, theta0]) => {
            const param = setup.model.params.get(name)!;
            return [param, { param, theta0 }];
          }),
        );
      },
      // The penalty's exact gradient is added to the loss gradient, which is the same Adam step as differentiating it in the tape.
      gradientTerm: (variable) => {
        const w = weights.get(variable);
        return w ? anchorGradient(tf, w, norm, alpha) : null;
      },
      extras: () => {
        const value = anchorPenalty(tf, [...weights.values()], norm, alpha);
        const penalty = value.dataSync()[0];
        value.dispose();
        return { penalty };
      },
      dispose: () => {
        weights = new Map();
      },
    };
  },
});
