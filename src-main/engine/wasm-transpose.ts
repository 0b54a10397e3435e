import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-kernel';

type Values = ReturnType<BackendWasm['typedArrayFromHeap']>;

/** Side of the square tiles the blocked transpose copies (32×32 floats: two tiles fit in L1). */
const TILE = 32;

/** Writes the transpose of the row-major `rows`×`cols` matrix `src` into `dst`, one tile at a time. */
function transposeTiles(src: Values, rows: number, cols: number, dst: Values): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const row = i * cols;
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[row + j];
      }
    }
  }
}

/**
 * Whether a matrix of this shape transposes faster in tiles than with the wasm kernel. That kernel
 * writes output rows of `rows` floats one element at a time; a stride of a multiple of 128 floats
 * (512 B) maps every write of a pass to the same cache sets, and it slows 3×: 128×784 0.35 ms →
 * 0.10 tiled, 256×256 0.21 → 0.067, 256×784 0.69 → 0.21. Other strides stream well, where the
 * kernel beats tiles (784×256 0.07 ms against 0.21; 64×784 0.033 against 0.08), as it does for
 * narrow matrices (128×100 0.014 against 0.025).
 */
function tilesWin(rows: number, cols: number): boolean {
  return rows % 128 === 0 && cols >= 128;
}

/**
 * Replaces the wasm backend's Transpose kernel for the float32 matrices it transposes slowly (see
 * tilesWin): a training step on wasm transposes layer inputs and gradients at batch sizes of 128 or
 * 256 several times (ops.ts computes some products as (bᵀ·aᵀ)ᵀ), 1.7 of an MLP step's 9 ms at batch
 * 128. Every other transpose keeps the original kernel.
 */
export function registerTiledTranspose(): void {
  replaceWasmKernel('Transpose', (args, original) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    const [rows, cols] = x.shape;
    if (x.dtype !== 'float32' || x.shape.length !== 2 || perm[0] !== 1 || !tilesWin(rows, cols)) return original(args);
    const backend = args.backend as BackendWasm;
    // The output first: allocating it may grow the heap, which detaches views taken before.
    const out = backend.makeOutput([cols, rows], 'float32');
    transposeTiles(backend.typedArrayFromHeap(x), rows, cols, backend.typedArrayFromHeap(out));
    return out;
  });
}
