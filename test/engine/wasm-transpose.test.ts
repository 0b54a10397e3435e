import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';

/** The transpose of a row-major rows×cols matrix, element by element. */
function expectedTranspose(values: Float32Array, rows: number, cols: number): number[] {
  const out: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

describe('the wasm Transpose kernel tiles matrices whose row count is a multiple of 128', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  // Tiled (rows a multiple of 128, ragged last tiles included) and kept (the original kernel) shapes.
  const shapes: [number, number][] = [
    [128, 784],
    [256, 256],
    [384, 130],
    [128, 100],
    [784, 256],
    [3, 5],
  ];
  for (const [rows, cols] of shapes) {
    it(`${rows}×${cols}: the same values as indexing`, () => {
      const x = tf.randomNormal([rows, cols], 0, 1, 'float32', 7) as tf.Tensor2D;
      const y = tf.transpose(x);
      expect(y.shape).toEqual([cols, rows]);
      expect(Array.from(y.dataSync())).toEqual(expectedTranspose(x.dataSync() as Float32Array, rows, cols));
      tf.dispose([x, y]);
    });
  }

  it('reads the input in place and leaves no tensor behind', () => {
    const x = tf.randomNormal([256, 300]);
    const before = tf.memory().numTensors;
    const readSync = vi.spyOn(tf.backend() as BackendWasm, 'readSync');
    const y = tf.transpose(x);
    expect(readSync).not.toHaveBeenCalled();
    readSync.mockRestore();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('other ranks, permutations and dtypes keep the original kernel', () => {
    const ints = tf.tensor2d(
      Array.from({ length: 128 * 130 }, (_, i) => i),
      [128, 130],
      'int32',
    );
    const t = tf.transpose(ints);
    expect(t.dtype).toBe('int32');
    expect(t.arraySync()[129][127]).toBe(127 * 130 + 129);
    const cube = tf.reshape(tf.range(0, 24), [2, 3, 4]);
    const moved = tf.transpose(cube, [2, 0, 1]);
    const expected = Array.from({ length: 4 }, (_, k) => Array.from({ length: 2 }, (_, i) => Array.from({ length: 3 }, (_, j) => i * 12 + j * 4 + k)));
    expect(moved.arraySync()).toEqual(expected);
    tf.dispose([ints, t, cube, moved]);
  });
});
