import type * as tfType from '@tensorflow/tfjs-core';
import { perSampleWith } from '../correctness';
import type { DeviceData } from '../device-data';
import type { Model } from '../models/model';

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

/**
 * Parts by θ₀'s loss (the "prior loss" partition of Bai et al., arXiv 2402.08096v2): the
 * correct-before rows sorted by loss and cut into `bins` equal-count parts, part 0 the most
 * confident. Rows θ₀ got wrong cannot be collateral damage and are never drawn; they join the last part.
 */
export function lossBins(loss: Float32Array, c0: Uint8Array, bins: number): Int32Array {
  const correct = Array.from({ length: loss.length }, (_, i) => i).filter((i) => c0[i]);
  correct.sort((i, j) => loss[i] - loss[j]);
  const partOf = new Int32Array(loss.length).fill(bins - 1);
  correct.forEach((row, rank) => (partOf[row] = Math.floor((rank * bins) / correct.length)));
  return partOf;
}
