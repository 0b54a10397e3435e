import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients and its register_all_gradients is ESM-only;
// tfjs-layers' Node build registers all of them into the shared core.
import '@tensorflow/tfjs-layers';

/**
 * Dense layer x·W + b with a hand-written gradient. tfjs's own matMul gradient uses transposed
 * operands, a slow path on the wasm backend (≈10× slower than an explicit transpose + matMul).
 * x: [batch, in], w: [in, out], b: [out] → [batch, out].
 */
// tf.customGrad types its function as variadic; ours take fixed tensors, hence the casts.
type GradFn = Parameters<typeof tf.customGrad>[0];

export const dense = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy2), tf.sum(dy2, 0)];
    },
  };
}) as unknown as GradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * Gradient of a 'valid' conv2d with respect to its filter, expressed through a forward conv2d
 * (the wasm backend has no Conv2DBackpropFilter kernel): treat the batch as the reduction channel.
 * x: [n, h, w, in], dy: [n, oh, ow, out] → [kh, kw, in, out].
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [in, h, w, n]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, out]: a filter over the batch axis
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', stride); // [in, h−(oh−1)s, w−(ow−1)s, out]
    const cropped = tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * 'valid' conv2d + bias with a gradient that needs only kernels every backend has.
 * x: [n, h, w, in], w: [kh, kw, in, out], b: [out] → [n, oh, ow, out].
 */
export function conv2d(stride: number): (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D {
  return tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid'), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        return [
          tf.conv2dTranspose(dy4, sw, sx.shape as [number, number, number, number], stride, 'valid'),
          conv2dFilterGrad(sx, dy4, sw.shape[0], sw.shape[1], stride),
          tf.sum(dy4, [0, 1, 2]),
        ];
      },
    };
  }) as unknown as GradFn) as unknown as (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D;
}
