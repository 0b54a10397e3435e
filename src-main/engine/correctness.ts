import type * as tfType from '@tensorflow/tfjs-core';

/** Inputs [n, d] and integer labels [n] on the backend. */
export interface LabelledTensors {
  n: number;
  x: tfType.Tensor2D;
  y: tfType.Tensor1D;
}

/**
 * One number per sample, `perSample(x [c, d], y [c, …]) → [c]`, evaluated in chunks of rows; y may be
 * labels [n] or targets [n, …]. tf is an argument so that method files, which must not load tfjs at
 * runtime (the host reads their metadata), can use it.
 */
export function perSampleWith<Y extends tfType.Tensor = tfType.Tensor1D>(
  tf: typeof tfType,
  data: { n: number; x: tfType.Tensor2D; y: Y },
  perSample: (x: tfType.Tensor2D, y: Y) => tfType.Tensor1D,
  chunk = 2000,
): Float32Array {
  const n = data.n;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    // A set that fits one chunk is read as it is, without a copy.
    const whole = size === n;
    // Slicing only the first axis keeps the rest whole, whatever the rank of y.
    const values = tf.tidy(() =>
      tf.cast(whole ? perSample(data.x, data.y) : perSample(tf.slice(data.x, [start, 0], [size, -1]), tf.slice(data.y, [start], [size]) as Y), 'float32'),
    );
    out.set(values.dataSync() as Float32Array, start);
    values.dispose();
  }
  return out;
}

/** Per-sample correctness (1 = argmax equals label) of `logitsOf`, in chunks; tf as in perSampleWith. */
export function correctnessWith(tf: typeof tfType, data: LabelledTensors, logitsOf: (x: tfType.Tensor2D) => tfType.Tensor2D, chunk = 2000): Uint8Array {
  return Uint8Array.from(perSampleWith(tf, data, (x, y) => tf.equal(tf.argMax(logitsOf(x), 1), y) as tfType.Tensor1D, chunk));
}
