import type * as tfType from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Model } from '../models/model';
import { defineMethod } from './method';

/**
 * Distillation term of Avalanche's LwF: KL(softmax(z₀/T) ‖ softmax(z/T)), summed over classes and
 * averaged over the batch, without the T² factor. z₀ (the teacher θ₀), z: [b, classes] logits.
 */
export function distillationKl(tf: typeof tfType, z0: tfType.Tensor2D, z: tfType.Tensor2D, temperature: number): tfType.Scalar {
  return tf.tidy(() => {
    const logQ = tf.logSoftmax(tf.div(z0, temperature));
    const logP = tf.logSoftmax(tf.div(z, temperature));
    return tf.mean(tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)), 1));
  }) as tfType.Scalar;
}

/** LwF (docs/methods.md §3.10): distils θ₀'s pretrain-head outputs on the target inputs into the model being fine-tuned. */
export const lwf = defineMethod({
  id: 'lwf',
  label: 'LwF (distillation to θ₀)',
  // Paul Tol's muted rose.
  style: { color: '#CC6677', marker: 'triangle-up', dash: 'longdash' },
  summary:
    'Learning without Forgetting: adds α·KL(softmax(z₀/T) ‖ softmax(z/T)) to the target loss, where z₀ and z are the pretrain-head logits of ' +
    'the current target batch under the frozen base model θ₀ and under the model being trained. Needs no pretrain data; θ₀\u2019s logits on the target set are computed once before training.',
  reference:
    'Li & Hoiem, ECCV 2016 / TPAMI 2017, "Learning without Forgetting", eqs. 2–3 (distillation of the old task\u2019s outputs at T = 2), in the form ' +
    'of Avalanche\u2019s LwF: α·KL(softmax(z₀/T) ‖ softmax(z/T)), batch mean, no T² (it differs from the paper\u2019s cross-entropy by the constant entropy of θ₀\u2019s outputs).',
  params: z.strictObject({
    alpha: z
      .number()
      .min(1e-3)
      .max(1000)
      .default(1)
      .meta({
        label: 'α (distillation weight)',
        help:
          'Weight of the distillation term against the target loss (Avalanche LwF alpha; Li & Hoiem\u2019s λ_o). On the built-in MLP with rotated digits, ' +
          'α ≈ 0.3 has little effect and α ≈ 3 … 10 keeps most pretrain accuracy but learns little.',
        log: true,
      }),
    temperature: z.number().min(0.5).max(20).default(2).meta({
      label: 'Temperature T',
      help: 'Softmax temperature of both distributions (Li & Hoiem use T = 2, eq. 3). Higher T weighs the non-maximal classes more. No T² rescaling (Avalanche).',
    }),
  }),
  slots: [],
  // No saveState: the teacher's logits (LwF's targets) are recomputed by beforeTraining from θ₀ when a run resumes.
  create: ({ tf, params }) => {
    let model: Model | null = null;
    let teacherLogits: tfType.Tensor2D | null = null;
    let sameHead = true;
    return {
      beforeTraining: (setup) => {
        model = setup.model;
        sameHead = setup.sameHead;
        // θ₀ is frozen, so its logits on the target set never change: compute them once, not every step.
        const teacher = setup.createBaseModel();
        teacher.setTrainable([]);
        const { x, n } = setup.targetTrain;
        const chunks: tfType.Tensor2D[] = [];
        // One row per target sample (a language model's [T·vocabulary] logits flattened), so the penalty can gather a batch's rows.
        for (let start = 0; start < n; start += teacher.evalChunk) {
          const rows = Math.min(teacher.evalChunk, n - start);
          chunks.push(
            tf.tidy(() => tf.reshape(teacher.logits(tf.slice(x, [start, 0], [rows, -1]) as tfType.Tensor2D, 'pretrain'), [rows, -1]) as tfType.Tensor2D),
          );
        }
        teacherLogits = tf.concat(chunks) as tfType.Tensor2D;
        tf.dispose(chunks);
        teacher.dispose();
      },
      penalty: ({ x, rows, logits }) => {
        // With a shared head the trainer's logits are already the pretrain head's; with a new head they are not.
        const z = sameHead ? logits : model!.logits(x, 'pretrain');
        const z0 = tf.reshape(tf.gather(teacherLogits!, rows), z.shape) as tfType.Tensor2D;
        return tf.mul(params.alpha, distillationKl(tf, z0, z, params.temperature)) as tfType.Scalar;
      },
      dispose: () => {
        teacherLogits?.dispose();
        teacherLogits = null;
        model = null;
      },
    };
  },
});
