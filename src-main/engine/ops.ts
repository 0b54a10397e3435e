import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients and its register_all_gradients is ESM-only;
// tfjs-layers' Node build registers all of them into the shared core.
import '@tensorflow/tfjs-layers';

// tf.customGrad types its function as variadic; ours take a fixed list of tensors, hence the casts.
type GradFn = Parameters<typeof tf.customGrad>[0];

/**
 * Builds an op whose gradient is computed only for the operands that need one. tfjs calls a
 * gradient function for all of its inputs, so an operand that needs no gradient (the model input,
 * a frozen kernel) is captured by the closure instead of being passed as an input. With
 * `keepValue` the op's output is kept for the backward pass too (an activation's mask).
 */
function partialGrad<T extends tf.Tensor>(
  operands: tf.Tensor[],
  need: boolean[],
  forward: (ops: tf.Tensor[]) => T,
  backward: (dy: T, ops: tf.Tensor[], which: number, value: T) => tf.Tensor,
  keepValue = false,
): T {
  const inputs = operands.filter((_, i) => need[i]);
  if (inputs.length === 0) return forward(operands);
  const op = tf.customGrad(((...args: unknown[]) => {
    const given = args.slice(0, inputs.length) as tf.Tensor[];
    const save = args[inputs.length] as tf.GradSaveFunc;
    let k = 0;
    const ops = operands.map((t, i) => (need[i] ? given[k++] : t));
    const value = forward(ops);
    // Saved tensors outlive the forward pass's tidy; a captured batch would otherwise be freed before backprop.
    save(keepValue ? [...ops, value] : ops);
    return {
      value,
      gradFunc: (dy: T, saved: tf.Tensor[]) => operands.flatMap((_, i) => (need[i] ? [backward(dy, saved, i, saved[operands.length] as T)] : [])),
    };
  }) as unknown as GradFn);
  return (op as unknown as (...t: tf.Tensor[]) => T)(...inputs);
}

/**
 * What XNNPACK's repacking of one element of a product's right operand costs on wasm, in elements
 * transposed (measured: ≈0.7 ms to pack an 800×128 operand, ≈0.1 ms to transpose it).
 */
const PACK_COST = 6;

/** A product's operand: `t`, or its transpose when `transposed` (not yet formed). */
interface Operand {
  t: tf.Tensor2D;
  transposed: boolean;
}

/**
 * a·b in a training step. wasm's XNNPACK repacks the right operand on every call whose operand is a
 * new tensor (a weight after each update, a gradient, a transpose), at a cost that rivals the product
 * when that operand is the larger one: there (bᵀ·aᵀ)ᵀ is computed instead where its packing and
 * explicit transposes cost less (an 800→128 layer's input gradient at batch 64: 1.3 → 0.65 ms).
 * Other backends multiply as given.
 */
function product(a: Operand, b: Operand): tf.Tensor2D {
  const as = (o: Operand): tf.Tensor2D => (o.transposed ? tf.transpose(o.t) : o.t);
  const transposeOf = (o: Operand): tf.Tensor2D => (o.transposed ? o.t : tf.transpose(o.t));
  if (tf.getBackend() !== 'wasm') return tf.matMul(as(a), as(b));
  const [rows, inner] = a.transposed ? [a.t.shape[1], a.t.shape[0]] : a.t.shape;
  const cols = b.transposed ? b.t.shape[0] : b.t.shape[1];
  const plain = PACK_COST * inner * cols + (a.transposed ? rows * inner : 0) + (b.transposed ? inner * cols : 0);
  const swapped = PACK_COST * rows * inner + (a.transposed ? 0 : rows * inner) + (b.transposed ? 0 : inner * cols) + rows * cols;
  return plain <= swapped ? tf.matMul(as(a), as(b)) : tf.transpose(tf.matMul(transposeOf(b), transposeOf(a)) as tf.Tensor2D);
}

/**
 * a·b with a hand-written gradient. tfjs's own matMul gradient multiplies transposed operands,
 * a slow path on the wasm backend (≈10× slower than an explicit transpose then matMul).
 * a: [n, k], b: [k, m] → [n, m]; `need` says which operands get a gradient. A `b` that trains changes
 * every step, so its product is oriented as `product` says; a fixed one stays on the right, where
 * XNNPACK keeps it packed from call to call.
 */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, need: { a: boolean; b: boolean }): tf.Tensor2D {
  return partialGrad<tf.Tensor2D>(
    [a, b],
    [need.a, need.b],
    ([x, y]) =>
      need.b ? product({ t: x as tf.Tensor2D, transposed: false }, { t: y as tf.Tensor2D, transposed: false }) : tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
    (dy, [x, y], which) =>
      which === 0
        ? product({ t: dy, transposed: false }, { t: y as tf.Tensor2D, transposed: true })
        : product({ t: x as tf.Tensor2D, transposed: true }, { t: dy, transposed: false }),
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
 * A conv kernel [kh, kw, in, out] rearranged for the sub-pixel input gradient: [th, tw, out, sh·sw·in]
 * with th = ⌈kh/sh⌉, tw = ⌈kw/sw⌉, where output channel (a, b, c) holds phase (a, b)'s taps flipped:
 * K[t, u, o, (a, b, c)] = W[a + sh·(th−1−t), b + sw·(tw−1−u), c, o], zero past the kernel's edge.
 * Built on the host: the kernel is small, and on wasm its data is already in host memory, while
 * reverse, transpose and gather on a few thousand values cost ≈0.5 ms each there.
 */
function subpixelKernel(w: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const [th, tw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  const src = w.dataSync();
  const out = new Float32Array(th * tw * cout * sh * sw * cin);
  let m = 0;
  for (let t = 0; t < th; t++)
    for (let u = 0; u < tw; u++)
      for (let o = 0; o < cout; o++)
        for (let a = 0; a < sh; a++)
          for (let b = 0; b < sw; b++) {
            const [i, j] = [a + sh * (th - 1 - t), b + sw * (tw - 1 - u)];
            if (i >= kh || j >= kw) {
              m += cin;
              continue;
            }
            const base = (i * kw + j) * cin * cout + o;
            for (let c = 0; c < cin; c++) out[m++] = src[base + c * cout];
          }
  return tf.tensor4d(out, [th, tw, cout, sh * sw * cin]);
}

/**
 * Gradient of a 'valid' conv2d with respect to its input. wasm's Conv2DBackpropInput is a plain loop
 * (≈4× slower than this at the small CNN's second layer, ≈10× at stride 1), so there the gradient is
 * one stride-1 convolution of the padded dy whose sh·sw·in output channels are dx's sh×sw phases,
 * then interleaved (depth-to-space) and cropped; other backends use their own kernel.
 * dy: [n, oh, ow, out], w: [kh, kw, in, out] → [n, h, w, in].
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, inputShape: [number, number, number, number], stride: number | [number, number]): tf.Tensor4D {
  if (tf.getBackend() !== 'wasm') return tf.conv2dTranspose(dy, w, inputShape, stride, 'valid');
  return tf.tidy(() => {
    const [sh, sw] = typeof stride === 'number' ? [stride, stride] : stride;
    const [kh, kw, cin] = w.shape;
    const [n, h, wd] = inputShape;
    const [, oh, ow] = dy.shape;
    const [th, tw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
    // Phase (a, b) of dx has ⌈h/sh⌉ × ⌈w/sw⌉ rows and columns (the last may fall past the input: cropped below).
    const [p, q] = [Math.ceil(h / sh), Math.ceil(wd / sw)];
    const padded = tf.pad(dy, [
      [0, 0],
      [th - 1, p - oh],
      [tw - 1, q - ow],
      [0, 0],
    ]);
    const phases = tf.conv2d(padded, subpixelKernel(w, sh, sw), 1, 'valid'); // [n, p, q, sh·sw·in]
    // [n·p, q, sh, sw·in] → [n·p, sh, q, sw·in]: a rank-4 transpose (wasm's higher ranks are slower).
    const dx =
      sh * sw === 1 ? phases : tf.reshape<tf.Rank.R4>(tf.transpose(tf.reshape(phases, [n * p, q, sh, sw * cin]), [0, 2, 1, 3]), [n, p * sh, q * sw, cin]);
    return p * sh === h && q * sw === wd ? dx : tf.slice(dx, [0, 0, 0, 0], [-1, h, wd, -1]);
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
    (dy, [a, k], which) => convGrad(dy, a as tf.Tensor4D, k as tf.Tensor4D, stride, which),
  );
}

/** The gradient of a 'valid' conv2d's input (`which` 0) or kernel (1), from its output's gradient dy. */
function convGrad(dy: tf.Tensor4D, input: tf.Tensor4D, kernel: tf.Tensor4D, stride: number | [number, number], which: number): tf.Tensor4D {
  return which === 0 ? conv2dInputGrad(dy, kernel, input.shape, stride) : conv2dFilterGrad(input, dy, kernel.shape[0], kernel.shape[1], stride);
}

/**
 * activation(conv2d(x, w) + bias) for a 'valid' conv2d, in one fused kernel forward (on wasm XNNPACK
 * adds the bias and clamps while it writes the output, where a separate add and relu each make a
 * pass over it) and with conv2d's gradients backward. x: [n, h, w, in], w: [kh, kw, in, out], bias: [out].
 */
export function conv2dBiasActivation(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number | [number, number],
  activation: 'relu' | 'linear',
  need: { x: boolean; w: boolean; bias: boolean },
): tf.Tensor4D {
  // Every operand's gradient starts from dz, the gradient before the activation: formed once.
  let dz: tf.Tensor4D | null = null;
  const preActivation = (dy: tf.Tensor4D, y: tf.Tensor4D) => (dz ??= activation === 'relu' ? tf.mul<tf.Tensor4D>(dy, tf.step(y)) : dy);
  return partialGrad<tf.Tensor4D>(
    [x, w, bias],
    [need.x, need.w, need.bias],
    // The kernel itself: tf.fused.conv2d falls back to three ops while gradients are recorded.
    ([a, k, b]) =>
      tf
        .engine()
        .runKernel('FusedConv2D', { x: a, filter: k, bias: b }, { strides: stride, pad: 'valid', dataFormat: 'NHWC', dilations: 1, activation }) as tf.Tensor4D,
    (dy, [a, k], which, y) => {
      const g = preActivation(dy, y);
      return which === 2 ? tf.sum(g, [0, 1, 2]) : convGrad(g, a as tf.Tensor4D, k as tf.Tensor4D, stride, which);
    },
    activation === 'relu',
  );
}
