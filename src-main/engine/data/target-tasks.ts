import type { RunConfig } from '../../../src-shared/config';
import { Rng } from '../rng';
import type { Dataset } from './dataset';

type Task = RunConfig['target']['task'];

/** Rotates one square grey image by 90° counter-clockwise: out[r][c] = in[c][side−1−r]. */
function rotate90(src: Float32Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) out[r * side + c] = src[c * side + (side - 1 - r)];
  return out;
}

/** Applies the task's input transform (domain shift) to every sample of a dataset. */
export function transformInputs(data: Dataset, task: Task, seed: number): Dataset {
  if (task === 'new-classes') return data;
  const [h, w, c] = data.shape;
  const d = h * w * c;
  const x = new Float32Array(data.x.length);
  const perm = task === 'permuted' ? new Rng(seed + 7919).permutation(d) : null;
  for (let i = 0; i < data.n; i++) {
    const row = data.x.subarray(i * d, (i + 1) * d);
    if (perm) for (let j = 0; j < d; j++) x[i * d + j] = row[perm[j]];
    else x.set(rotate90(row, h), i * d);
  }
  return { ...data, x, name: `${data.name} (${task})` };
}
