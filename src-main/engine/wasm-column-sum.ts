import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-kernel';

/**
 * Replaces the wasm backend's Sum kernel where it reduces a float32 tensor's leading axes (a bias
 * gradient: the sum over the batch). That kernel reduces only trailing axes, so it first transposes
 * the input with its own transpose, which is slow on batch sizes of 128 or 256 (see
 * wasm-transpose.ts): 0.12 ms per 128×256 bias gradient. Here each output adds its column in row
 * order into a float32 accumulator, the order and precision of the kernel's own loop (a float32 sum
 * rounded from double is the float32 sum), so results are bitwise the same. Other sums keep the original.
 */
export function registerColumnSum(): void {
  replaceWasmKernel('Sum', (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return original(args);
    const kept = x.shape.slice(axes.length);
    const backend = args.backend as BackendWasm;
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    // The output first: allocating it may grow the heap, which detaches views taken before.
    const out = backend.makeOutput(outShape, 'float32');
    const src = backend.typedArrayFromHeap(x);
    const sums = backend.typedArrayFromHeap(out);
    const width = sums.length;
    sums.fill(0);
    if (width === 0) return out;
    for (let row = 0; row < src.length; row += width) {
      for (let j = 0; j < width; j++) sums[j] += src[row + j];
    }
    return out;
  });
}
