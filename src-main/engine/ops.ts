import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients and its register_all_gradients is ESM-only;
// tfjs-layers' Node build registers all of them into the shared core.
import '@tensorflow/tfjs-layers';

// tf.customGrad types its function as variadic; ours take a fixed list of tensors, hence the casts.
type GradFn = Parameters<typeof tf.customGrad>[0];

/**
 * Builds an op whose gradient is computed only for the operands that need one. tfjs calls a
 * gradient function for all of its inputs, so an operand that needs no gradient (the model input,
 * a frozen kernel) is captured by the closure instead of being passed as an input.
 */
function partialGrad<T extends tf.Tensor>(
  operands: tf.Tensor[],
  need: boolean[],
  forward: (ops: tf.Tensor[]) => T,
  backward: (dy: T, ops: tf.Tensor[], which: number) => tf.Tensor,
): T {
  const inputs = operands.filter((_, i) => need[i]);
  if (inputs.length === 0) return forward(operands);
  const op = tf.customGrad(((...args: unknown[]) => {
    const given = args.slice(0, inputs.length) as tf.Tensor[];
    const save = args[inputs.length] as tf.GradSaveFunc;
    let k = 0;
    const ops = operands.map((t, i) => (need[i] ? given[k++] : t));
    // Saved tensors outlive the forward pass's tidy; a captured batch would otherwise be freed before backprop.
    save(ops);
    return {
      value: forward(ops),
      gradFunc: (dy: T, saved: tf.Tensor[]) => operands.flatMap((_, i) => (need[i] ? [backward(dy, saved, i)] : [])),
    };
  }) as unknown as GradFn);
  return (op as unknown as (...t: tf.Tensor[]) => T)(...inputs);
}

/**
 * a·b with a hand-written gradient. tfjs's own matMul gradient multiplies transposed operands,
 * a slow path on the wasm backend (≈10× slower than an explicit transpose then matMul).
 * a: [n, k], b: [k, m] → [n, m]; `need` says which operands get a gradient.
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, need: { a: boolean; b: boolean }): tf.Tensor2D {
  return partialGrad<tf.Tensor2D>(
    [a, b],
    [need.a, need.b],
    ([x, y]) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
    (dy, [x, y], which) => (which === 0 ? tf.matMul(dy, tf.transpose(y as tf.Tensor2D)) : tf.matMul(tf.transpose(x as tf.Tensor2D), dy)),
  );
}

/**
 * Batched a·b with the same hand-written gradient as matMul (explicit transposes, never the
 * transposed-operand path). a: [B, n, k], b: [B, k, m] → [B, n, m].
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, need: { a: boolean; b: boolean }): tf.Tensor3D {
  return partialGrad<tf.Tensor3D>(
    [a, b],
    [need.a, need.b],
    ([x, y]) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D),
    (dy, [x, y], which) => (which === 0 ? tf.matMul(dy, tf.transpose(y as tf.Tensor3D, [0, 2, 1])) : tf.matMul(tf.transpose(x as tf.Tensor3D, [0, 2, 1]), dy)),
  );
}

/**
 * Gradient of a 'valid' conv2d with respect to its filter, expressed through a forward conv2d
 * (the wasm backend has no Conv2DBackpropFilter kernel): treat the batch as the reduction channel.
 * x: [n, h, w, in], dy: [n, oh, ow, out] → [kh, kw, in, out].
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, stride: number | [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [in, h, w, n]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, out]: a filter over the batch axis
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', stride); // [in, h−(oh−1)s, w−(ow−1)s, out]
    const cropped = tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * 'valid' conv2d with a gradient that needs only kernels every backend has.
 * x: [n, h, w, in], w: [kh, kw, in, out] → [n, oh, ow, out].
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number | [number, number], need: { x: boolean; w: boolean }): tf.Tensor4D {
  return partialGrad<tf.Tensor4D>(
    [x, w],
    [need.x, need.w],
    ([a, k]) => tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, stride, 'valid'),
    (dy, [a, k], which) => {
      const [input, kernel] = [a as tf.Tensor4D, k as tf.Tensor4D];
      return which === 0 ? tf.conv2dTranspose(dy, kernel, input.shape, stride, 'valid') : conv2dFilterGrad(input, dy, kernel.shape[0], kernel.shape[1], stride);
    },
  );
}
