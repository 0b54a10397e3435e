import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';

describe("the wasm Sum kernel adds a float32 tensor's leading axes column by column", () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('a bias gradient (sum over the batch) is bitwise the sum over a trailing axis of the transpose, which the original kernel computes', () => {
    const x = tf.randomNormal([128, 256], 0, 3, 'float32', 11) as tf.Tensor2D;
    const columns = tf.sum(x, 0);
    const reference = tf.sum(tf.transpose(x), 1);
    expect(Array.from(columns.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([x, columns, reference]);
  });

  it('several leading axes, keepDims and negative axes', () => {
    const x = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 12);
    const flat = tf.sum(tf.reshape(x, [12, 5]), 0);
    const both = tf.sum(x, [1, 0]);
    expect(both.shape).toEqual([5]);
    expect(Array.from(both.dataSync())).toEqual(Array.from(flat.dataSync()));
    const kept = tf.sum(x, [0, -2], true);
    expect(kept.shape).toEqual([1, 1, 5]);
    expect(Array.from(kept.dataSync())).toEqual(Array.from(flat.dataSync()));
    tf.dispose([x, flat, both, kept]);
  });

  it('float32 accumulation in row order: a large value absorbs small ones as in float32', () => {
    const x = tf.tensor2d([[1e8], [3], [3], [3], [3], [3]], [6, 1]);
    // Accumulated in double it would be 100,000,015, rounded to 100,000,016.
    expect(tf.sum(x, 0).dataSync()[0]).toBe(1e8);
  });

  it('trailing axes, all axes, int32 and empty tensors keep the original kernel', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(tf.sum(x, 1).dataSync())).toEqual([6, 15]);
    expect(tf.sum(x).dataSync()[0]).toBe(21);
    const ints = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    expect(tf.sum(ints, 0).dtype).toBe('int32');
    expect(Array.from(tf.sum(ints, 0).dataSync())).toEqual([4, 6]);
    expect(Array.from(tf.sum(tf.zeros([0, 3]), 0).dataSync())).toEqual([0, 0, 0]);
    expect(tf.sum(tf.zeros([4, 0]), 0).shape).toEqual([0]);
  });
});
