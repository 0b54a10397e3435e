import * as tf from '@tensorflow/tfjs-core';
import { correctnessWith, type LabelledTensors } from './correctness';
import type { Dataset } from './data/dataset';

/** A dataset uploaded once to the backend, so training steps only send batch indices. */
export interface DeviceData {
  n: number;
  source: Dataset;
  /** [n, h·w·c]; token ids [n, T] for text */
  x: tf.Tensor2D;
  /** What the loss compares the logits with: one-hot labels [n, classes], or a language model's next tokens [n, T] (int32). */
  targets: tf.Tensor2D;
  /** [n] int32 class indices */
  y: tf.Tensor1D;
}

/** Targets of some rows of a dataset in JS memory: one-hot labels, or the next tokens where the set has them. */
function targetRows(source: Dataset, rows: ArrayLike<number>): tf.Tensor2D {
  if (source.nextTokens) {
    const t = source.shape[0];
    const next = new Int32Array(rows.length * t);
    for (let i = 0; i < rows.length; i++) next.set(source.nextTokens.subarray(rows[i] * t, (rows[i] + 1) * t), i * t);
    return tf.tensor2d(next, [rows.length, t], 'int32');
  }
  const k = source.classes.length;
  const y = new Float32Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) y[i * k + source.y[rows[i]]] = 1;
  return tf.tensor2d(y, [rows.length, k]);
}

/** Uploads a dataset to the current backend. */
export function toDevice(data: Dataset): DeviceData {
  const d = data.shape[0] * data.shape[1] * data.shape[2];
  const y = tf.tensor1d(data.y, 'int32');
  return {
    n: data.n,
    source: data,
    x: tf.tensor2d(data.x, [data.n, d]),
    y,
    targets: data.nextTokens
      ? targetRows(
          data,
          Int32Array.from({ length: data.n }, (_, i) => i),
        )
      : tf.tidy(() => tf.cast(tf.oneHot(y, data.classes.length), 'float32') as tf.Tensor2D),
  };
}

/**
 * The rows of a dataset as a batch on the backend: inputs [b, d] and targets (one-hot labels
 * [b, classes], or next tokens [b, T]). Copied from the JS-side data and uploaded: the wasm
 * backend's gather takes milliseconds for a batch that a copy and an upload make in microseconds.
 */
export function batchOf(data: DeviceData, rows: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { source } = data;
  const d = source.shape[0] * source.shape[1] * source.shape[2];
  const x = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) x.set(source.x.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return { x: tf.tensor2d(x, [rows.length, d]), y: targetRows(source, rows) };
}

/** Frees a device dataset. */
export function disposeDevice(data: DeviceData): void {
  tf.dispose([data.x, data.y, data.targets]);
}

/** Per-sample correctness (1 = argmax equals label) of `logitsOf` over a device dataset, in chunks. */
export function correctness(data: LabelledTensors, logitsOf: (x: tf.Tensor2D) => tf.Tensor2D, chunk = 2000): Uint8Array {
  return correctnessWith(tf, data, logitsOf, chunk);
}

/** Mean of a 0/1 vector. */
export function mean01(values: Uint8Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : 0;
}
