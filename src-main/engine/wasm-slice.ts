import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-kernel';

type Values = ReturnType<BackendWasm['typedArrayFromHeap']>;

/**
 * Copies the block `begin`…`begin + size` of a row-major array with `strides` into `out`, one run of
 * the last axis at a time.
 */
function copyBlock(src: Values, strides: number[], begin: number[], size: number[], out: Values): void {
  const last = size.length - 1;
  const run = size[last];
  const outer = size.slice(0, last);
  const runs = outer.reduce((a, b) => a * b, 1);
  const index = outer.map(() => 0);
  for (let k = 0, at = 0; k < runs; k++, at += run) {
    let offset = begin[last];
    for (let d = 0; d < last; d++) offset += (begin[d] + index[d]) * strides[d];
    out.set(src.subarray(offset, offset + run), at);
    for (let d = last - 1; d >= 0 && ++index[d] === outer[d]; d--) index[d] = 0;
  }
}

/**
 * Replaces the wasm backend's Slice kernel, which first copies the whole input out of the wasm heap
 * (readSync) and then takes the slice, with one that reads the input in place. Evaluating 10,000
 * digits in chunks of 2,000 spent 0.19 s per chunk copying the 31 MB set and 0.03 s computing;
 * every slice of a training step (a conv gradient's crop, a rehearsal or teacher batch) paid the same
 * for its whole source. Strings keep the original kernel.
 */
export function registerViewingSlice(): void {
  replaceWasmKernel('Slice', (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const backend = args.backend as BackendWasm;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [from, extent] = tf.slice_util.parseSliceParams(x, begin, size);
    // The output first: allocating it may grow the heap, which detaches views taken before.
    const out = backend.makeOutput(extent, x.dtype);
    if (tf.util.sizeFromShape(extent) === 0) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, from, extent)) {
      const offset = tf.slice_util.computeFlatOffset(from, strides);
      dst.set(src.subarray(offset, offset + dst.length));
    } else {
      copyBlock(src, strides, from, extent, dst);
    }
    return out;
  });
}
