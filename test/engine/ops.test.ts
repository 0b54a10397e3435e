import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { conv2d, dense } from '../../src-main/engine/ops';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('hand-written gradients match tfjs autodiff on the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('dense: x·W + b', () => {
    const x = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([3], 0, 1, 'float32', 3) as tf.Tensor1D;
    const ours = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D))));
    const ref = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))));
    const [a, r] = [ours([x, w, b]), ref([x, w, b])];
    a.forEach((g, i) => expect(maxAbsDiff(g, r[i])).toBeLessThan(1e-4));
  });

  for (const [k, stride] of [[5, 2], [3, 2], [3, 1]]) {
    it(`conv2d ${k}×${k} stride ${stride}, 'valid'`, () => {
      const x = tf.randomNormal([2, 13, 13, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
      const b = tf.randomNormal([4], 0, 1, 'float32', 6) as tf.Tensor1D;
      const op = conv2d(stride);
      const ours = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D))));
      const ref = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid'), b))));
      const [a, r] = [ours([x, w, b]), ref([x, w, b])];
      a.forEach((g, i) => {
        expect(g.shape).toEqual(r[i].shape);
        expect(maxAbsDiff(g, r[i]) / (tf.tidy(() => tf.max(tf.abs(r[i])).dataSync()[0]) + 1e-6)).toBeLessThan(1e-4);
      });
    });
  }
});
