import { Rng } from '../../src-shared/rng';

/** Default share of each class held out for evaluation. */
export const DEFAULT_EVAL_FRACTION = 0.2;

/**
 * A seeded train/eval split (0 train, 1 eval per row). Labelled data is stratified: every class
 * with at least two samples puts round(count·evalFraction) of them, at least one and never all,
 * in eval, so both splits see every class. Unlabelled data (classCount 0) is split at random.
 */
export function stratifiedSplit(y: Int32Array, classCount: number, evalFraction: number, seed: number): Uint8Array {
  const split = new Uint8Array(y.length);
  const rng = new Rng(seed);
  if (classCount === 0) {
    const order = rng.permutation(y.length);
    const nEval = Math.round(y.length * evalFraction);
    for (let i = 0; i < nEval; i++) split[order[i]] = 1;
    return split;
  }
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  y.forEach((c, i) => byClass[c].push(i));
  for (const rows of byClass) {
    if (rows.length < 2) continue;
    const nEval = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * evalFraction)));
    const order = rng.permutation(rows.length);
    for (let k = 0; k < nEval; k++) split[rows[order[k]]] = 1;
  }
  return split;
}
