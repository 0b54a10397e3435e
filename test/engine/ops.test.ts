import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';
import { batchMatMul, conv2d, conv2dBiasActivation, matMul } from '../../src-main/engine/ops';

function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / (tf.max(tf.abs(b)).dataSync()[0] + 1e-6));
}

describe('hand-written gradients match tfjs autodiff on the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('matMul a·b, for both operands and for b alone', () => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([a, b]);
    const both = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(matMul(a as tf.Tensor2D, b as tf.Tensor2D, { a: true, b: true }))))([a, b]);
    both.forEach((g, i) => expect(relDiff(g, ref[i])).toBeLessThan(1e-5));
    const onlyB = tf.grad((b: tf.Tensor) => tf.sum(tf.square(matMul(a, b as tf.Tensor2D, { a: false, b: true }))))(b);
    expect(relDiff(onlyB, ref[1])).toBeLessThan(1e-5);
  });

  it('batchMatMul a·b over a batch, for both operands and for a alone', () => {
    const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const b = tf.randomNormal([3, 4, 6], 0, 1, 'float32', 2) as tf.Tensor3D;
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D))))([a, b]);
    const both = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(batchMatMul(a as tf.Tensor3D, b as tf.Tensor3D, { a: true, b: true }))))([a, b]);
    both.forEach((g, i) => expect(relDiff(g, ref[i])).toBeLessThan(1e-5));
    const onlyA = tf.grad((a: tf.Tensor) => tf.sum(tf.square(batchMatMul(a as tf.Tensor3D, b, { a: true, b: false }))))(a);
    expect(relDiff(onlyA, ref[0])).toBeLessThan(1e-5);
  });

  for (const [k, stride] of [
    [5, 2],
    [3, 2],
    [3, 1],
  ]) {
    it(`conv2d ${k}×${k} stride ${stride} 'valid': input and filter gradients, and the filter gradient alone`, () => {
      const x = tf.randomNormal([2, 13, 13, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
      const ref = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid'))))([x, w]);
      const ours = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, { x: true, w: true }))))([
        x,
        w,
      ]);
      ours.forEach((g, i) => {
        expect(g.shape).toEqual(ref[i].shape);
        expect(relDiff(g, ref[i])).toBeLessThan(1e-4);
      });
      const onlyW = tf.grad((w: tf.Tensor) => tf.sum(tf.square(conv2d(x, w as tf.Tensor4D, stride, { x: false, w: true }))))(w);
      expect(relDiff(onlyW, ref[1])).toBeLessThan(1e-4);
    });
  }
});

describe('the supplied gradients computed on wasm match tfjs autodiff on the cpu backend', () => {
  type Case = { name: string; reference: () => tf.Tensor[]; ours: () => tf.Tensor[] };
  const x = () =>
    tf.tensor4d(
      Float32Array.from({ length: 2 * 13 * 13 * 3 }, (_, i) => Math.sin(i)),
      [2, 13, 13, 3],
    );
  const w = (k: number) =>
    tf.tensor4d(
      Float32Array.from({ length: k * k * 3 * 4 }, (_, i) => Math.cos(i)),
      [k, k, 3, 4],
    );
  const matrix = (rows: number, cols: number, f: (i: number) => number) =>
    tf.tensor2d(
      Float32Array.from({ length: rows * cols }, (_, i) => f(i)),
      [rows, cols],
    );
  const cases: Case[] = (
    [
      // On wasm each product is turned around where XNNPACK would otherwise pack the larger operand:
      // [5,7]·[7,3] turns only the input gradient; [4,12]·[12,40] the forward product and the input
      // gradient (as a layer wider than its batch); [3,2]·[2,50] the weight gradient.
      [5, 7, 3],
      [4, 12, 40],
      [3, 2, 50],
    ] as const
  ).map(([n, k, m]) => ({
    name: `matMul [${n},${k}]·[${k},${m}]`,
    reference: () => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([matrix(n, k, Math.sin), matrix(k, m, Math.cos)]),
    ours: () =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(matMul(p as tf.Tensor2D, q as tf.Tensor2D, { a: true, b: true }))))([
        matrix(n, k, Math.sin),
        matrix(k, m, Math.cos),
      ]),
  }));
  cases.push(
    // The input gradient is wasm's sub-pixel convolution: strides that do and do not divide the kernel,
    // a kernel smaller than its stride (phases with no taps), unequal strides, rows past the last window.
    ...(
      [
        [5, 2],
        [3, 1],
        [3, 2],
        [1, 2],
        [2, 3],
        [3, [2, 1]],
      ] as [number, number | [number, number]][]
    ).map(([k, stride]) => ({
      name: `conv2d ${k}×${k}/${String(stride)} (no Conv2DBackpropFilter on wasm; sub-pixel input gradient)`,
      reference: () => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, stride, 'valid'))))([x(), w(k)]),
      ours: () =>
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(conv2d(p as tf.Tensor4D, q as tf.Tensor4D, stride, { x: true, w: true }))))([x(), w(k)]),
    })),
    // The fused conv + bias + activation: its forward is one kernel, its gradients start from the
    // activation's mask (a bias that sends about half the outputs below zero; the loss's gradient is not
    // zero there) and the bias gets the sum.
    ...(['relu', 'linear'] as const).flatMap((activation) => {
      const bias = () => tf.tensor1d([0.5, -0.5, 1, -1]);
      const act = (z: tf.Tensor) => (activation === 'relu' ? tf.relu(z) : z);
      const ref = (p: tf.Tensor, q: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.sub(act(tf.add(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, 'valid'), b)), 0.5)));
      const fused = (p: tf.Tensor, q: tf.Tensor, b: tf.Tensor, needX: boolean) =>
        tf.sum(
          tf.square(tf.sub(conv2dBiasActivation(p as tf.Tensor4D, q as tf.Tensor4D, b as tf.Tensor1D, 2, activation, { x: needX, w: true, bias: true }), 0.5)),
        );
      return [
        {
          name: `conv2d 3×3/2 + bias, ${activation} (fused): input, filter and bias gradients`,
          reference: () => tf.grads((p: tf.Tensor, q: tf.Tensor, b: tf.Tensor) => ref(p, q, b))([x(), w(3), bias()]),
          ours: () => tf.grads((p: tf.Tensor, q: tf.Tensor, b: tf.Tensor) => fused(p, q, b, true))([x(), w(3), bias()]),
        },
        {
          name: `conv2d 3×3/2 + bias, ${activation} (fused) on an input without a gradient: filter and bias gradients`,
          reference: () => tf.grads((q: tf.Tensor, b: tf.Tensor) => ref(x(), q, b))([w(3), bias()]),
          ours: () => tf.grads((q: tf.Tensor, b: tf.Tensor) => fused(x(), q, b, false))([w(3), bias()]),
        },
      ];
    }),
  );

  for (const c of cases) {
    it(c.name, async () => {
      await selectBackend('cpu');
      const reference = c.reference().map((t) => Array.from(t.dataSync()));
      await selectBackend('wasm');
      const ours = c.ours().map((t) => Array.from(t.dataSync()));
      ours.forEach((g, i) => {
        const scale = Math.max(...reference[i].map(Math.abs));
        const worst = Math.max(...g.map((v, j) => Math.abs(v - reference[i][j])));
        expect(worst / scale).toBeLessThan(1e-4);
      });
    });
  }
});
