import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { perSampleWith } from '../../src-main/engine/correctness';

describe('per-sample values in chunks', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('gives the same values whether a set is read whole (one chunk) or sliced, and leaves no tensor behind', () => {
    const x = tf.randomNormal([37, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.tensor1d(
      Array.from({ length: 37 }, (_, i) => i % 3),
      'int32',
    );
    const rowScore = (a: tf.Tensor2D, labels: tf.Tensor1D) => tf.add(tf.sum(a, 1), tf.cast(labels, 'float32')) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const whole = perSampleWith(tf, { n: 37, x, y }, rowScore, 2000);
    const sliced = perSampleWith(tf, { n: 37, x, y }, rowScore, 8);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(sliced)).toEqual(Array.from(whole));
    const expected = tf.tidy(() => rowScore(x, y).dataSync());
    expect(Array.from(whole)).toEqual(Array.from(expected));
    tf.dispose([x, y]);
  });
});
