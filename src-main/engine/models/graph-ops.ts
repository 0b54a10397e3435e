import * as tf from '@tensorflow/tfjs-core';
import type { GraphActivation, Window } from '../../../src-shared/graph-spec';
import { conv2d } from '../ops';

// Convolutions here are written from ops whose gradients every backend has: the wasm backend has
// no Conv2DBackpropFilter or depthwise backprop kernels, and tfjs' own gradients refuse dilation.

/** TensorFlow's 'same' padding of one axis, [before, after] (the odd pixel goes after). */
function samePad(size: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** x padded as the window's 'same' padding pads it (unchanged for 'valid'). x: [n, h, w, c]. */
export function padForWindow(x: tf.Tensor4D, win: Window, value = 0): tf.Tensor4D {
  if (win.padding === 'valid') return x;
  const ph = samePad(x.shape[1], win.size[0], win.strides[0], win.dilation[0]);
  const pw = samePad(x.shape[2], win.size[1], win.strides[1], win.dilation[1]);
  if (ph[0] + ph[1] + pw[0] + pw[1] === 0) return x;
  return tf.pad(x, [[0, 0], ph, pw, [0, 0]], value);
}

/** A kernel [kh, kw, a, b] with its dilation written out as zeros between the taps. */
function dilateKernel(k: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  if (dh === 1 && dw === 1) return k;
  const [kh, kw, a, b] = k.shape;
  const spread = tf.pad(tf.reshape(k, [kh, 1, kw, 1, a, b]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, a, b]) as tf.Tensor4D, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]);
}

/**
 * Keras' Conv2D without bias. x: [n, h, w, in], kernel: [kh, kw, in, out]; `need` says which
 * operands get a gradient. tfjs' own op where the backend has its filter gradient, else the
 * engine's conv2d (whose gradients every backend has) on explicitly padded input.
 */
export function convolve(x: tf.Tensor4D, kernel: tf.Tensor4D, win: Window, need: { x: boolean; w: boolean }): tf.Tensor4D {
  const dilated = dilateKernel(kernel, win.dilation);
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return tf.conv2d(x, dilated, win.strides, win.padding);
  return conv2d(padForWindow(x, win), dilated, win.strides, need);
}

/** The rows and columns top + i·sh, left + j·sw of x (i < oh, j < ow), through slices and reshapes only. */
function strided(x: tf.Tensor4D, top: number, left: number, [oh, ow]: [number, number], [sh, sw]: [number, number]): tf.Tensor4D {
  const [n, , , c] = x.shape;
  const span = tf.slice(x, [0, top, left, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
  if (sh === 1 && sw === 1) return span;
  const whole = tf.pad(span, [
    [0, 0],
    [0, sh - 1],
    [0, sw - 1],
    [0, 0],
  ]);
  const grid = tf.slice(tf.reshape(whole, [n, oh, sh, ow, sw, c]), [0, 0, 0, 0, 0, 0], [n, oh, 1, ow, 1, c]);
  return tf.reshape(grid, [n, oh, ow, c]);
}

/**
 * Keras' DepthwiseConv2D without bias (output channel c·m + j is channel c under multiplier j).
 * x: [n, h, w, c], kernel: [kh, kw, c, m] → [n, oh, ow, c·m]. Where the backend has tfjs' depthwise
 * gradient kernels (cpu, tfjs-node) the op is tfjs' own, its dilation written into the kernel;
 * elsewhere (wasm) it is a sum over the kernel's taps of strided views of x times per-channel weights.
 */
export function depthwise(x: tf.Tensor4D, kernel: tf.Tensor4D, win: Window): tf.Tensor4D {
  if (tf.getKernel('DepthwiseConv2dNativeBackpropFilter', tf.getBackend()))
    return tf.depthwiseConv2d(x, dilateKernel(kernel, win.dilation), win.strides, win.padding);
  const padded = padForWindow(x, win);
  const [n, h, w, c] = padded.shape;
  const [kh, kw, , m] = kernel.shape;
  const [dh, dw] = win.dilation;
  const out: [number, number] = [Math.floor((h - (kh - 1) * dh - 1) / win.strides[0]) + 1, Math.floor((w - (kw - 1) * dw - 1) / win.strides[1]) + 1];
  // Each channel repeated m times by a broadcast (tfjs has no gradient for a rank-5 tile).
  const source = m === 1 ? padded : (tf.reshape(tf.mul(tf.reshape(padded, [n, h, w, c, 1]), tf.ones([m])), [n, h, w, c * m]) as tf.Tensor4D);
  const taps: tf.Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const weights = tf.reshape(tf.slice(kernel, [a, b, 0, 0], [1, 1, c, m]), [c * m]);
      taps.push(tf.mul(strided(source, a * dh, b * dw, out, win.strides), weights));
    }
  }
  return (taps.length === 1 ? taps[0] : tf.addN(taps)) as tf.Tensor4D;
}

/** An activation by its Keras name (gelu is the exact erf form, Keras' default). */
export function activate(x: tf.Tensor, activation: GraphActivation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
  }
}
