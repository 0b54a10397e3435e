import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../src-main/engine/backend';

/** The slice read element by element through tf.buffer, independent of any Slice kernel. */
function expectedSlice(values: number[], shape: number[], begin: number[], size: number[]): number[] {
  const source = tf.buffer(shape, 'float32', Float32Array.from(values));
  const out = tf.buffer(size, 'float32');
  for (let i = 0; i < out.size; i++) {
    const at = out.indexToLoc(i);
    out.values[i] = source.get(...at.map((v, d) => v + begin[d]));
  }
  return Array.from(out.values);
}

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i * 0.5 - 3);

describe('the wasm Slice kernel reads its input in place', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const cases: [string, number[], number[], number[]][] = [
    ['rows of a matrix (one contiguous block)', [7, 5], [2, 0], [3, 5]],
    ['columns of a matrix', [7, 5], [1, 2], [4, 2]],
    ['a spatial crop of an NHWC batch', [3, 6, 5, 2], [0, 1, 2, 0], [3, 3, 2, 2]],
    ['part of every axis of a rank-4 tensor', [2, 3, 4, 5], [1, 0, 1, 2], [1, 3, 2, 2]],
    ['a rank-5 tensor', [2, 2, 3, 2, 3], [0, 1, 1, 0, 1], [2, 1, 2, 2, 2]],
    ['a vector', [9], [3], [4]],
  ];
  for (const [name, shape, begin, size] of cases) {
    it(`${name}: the same values as indexing, without reading the whole input out of the heap`, () => {
      const values = ramp(shape.reduce((a, b) => a * b, 1));
      const x = tf.tensor(values, shape);
      const readSync = vi.spyOn(tf.backend() as BackendWasm, 'readSync');
      const y = tf.slice(x, begin, size);
      expect(readSync).not.toHaveBeenCalled();
      readSync.mockRestore();
      expect(y.shape).toEqual(size);
      expect(Array.from(y.dataSync())).toEqual(expectedSlice(values, shape, begin, size));
      tf.dispose([x, y]);
    });
  }

  it('int32 and bool tensors, an empty slice and -1 sizes', () => {
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    expect(Array.from(tf.slice(ints, [1, 1], [-1, 1]).dataSync())).toEqual([4, 6]);
    const flags = tf.tensor1d([true, false, true, true], 'bool');
    expect(Array.from(tf.slice(flags, [1], [2]).dataSync())).toEqual([0, 1]);
    expect(tf.slice(ints, [1, 0], [0, 2]).shape).toEqual([0, 2]);
  });

  it('a slice whose output grows the heap still reads the input (views are taken after the allocation)', () => {
    const n = 24_000_000;
    const x = tf.fill([n], 2.5);
    const y = tf.slice(x, [1], [n - 1]);
    const got = y.dataSync();
    expect(got.length).toBe(n - 1);
    expect(got[0]).toBe(2.5);
    expect(got[n - 2]).toBe(2.5);
    tf.dispose([x, y]);
  });
});
