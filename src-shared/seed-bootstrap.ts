// A paired bootstrap over seeds: runs of one seed share the base model's data order and split, so comparing
// two settings seed by seed removes that shared noise, and resampling seeds (not runs) keeps the pairs.
import { Rng } from './rng';

/** A statistic with its 95% percentile-bootstrap interval over seeds; the interval is null with one seed. */
export interface Estimate {
  value: number;
  interval: [number, number] | null;
}

/** Resamples of the seeds: enough that the 2.5% and 97.5% percentiles move by well under their width between seeds of the bootstrap. */
export const BOOTSTRAP_RESAMPLES = 4000;
/** The bootstrap's own seed: a verdict reads the same every time it is computed. */
const BOOTSTRAP_SEED = 18;

/**
 * `statistic` over every seed, and its 95% percentile interval over resamples of the seeds with replacement.
 * The statistic receives the indices (into the caller's per-seed arrays) of one resample and returns a number, or
 * null where it is undefined for that resample (a ratio whose denominator vanishes); such resamples are left out,
 * and `undefinedShare` says how many were.
 */
export function seedBootstrap(seeds: number, statistic: (rows: number[]) => number | null): (Estimate & { undefinedShare: number }) | null {
  const all = Array.from({ length: seeds }, (_, i) => i);
  const value = seeds > 0 ? statistic(all) : null;
  if (value === null) return null;
  if (seeds < 2) return { value, interval: null, undefinedShare: 0 };
  const rng = new Rng(BOOTSTRAP_SEED);
  const draws: number[] = [];
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    const rows = all.map(() => Math.floor(rng.next() * seeds));
    const v = statistic(rows);
    if (v !== null && Number.isFinite(v)) draws.push(v);
  }
  const undefinedShare = 1 - draws.length / BOOTSTRAP_RESAMPLES;
  if (!draws.length) return { value, interval: null, undefinedShare };
  draws.sort((a, b) => a - b);
  const at = (q: number) => draws[Math.min(draws.length - 1, Math.max(0, Math.round(q * (draws.length - 1))))];
  return { value, interval: [at(0.025), at(0.975)], undefinedShare };
}

/** The mean of `values` at the given rows. */
export function meanAt(values: readonly number[], rows: readonly number[]): number {
  return rows.reduce((s, r) => s + values[r], 0) / rows.length;
}
