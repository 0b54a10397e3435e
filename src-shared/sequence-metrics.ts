import type { Metric } from './config';

/** Forgetting over a sequence of tasks (methods.md §2), from the matrix R[i][j] = metric on task j after stage i. */
export interface SequenceForgetting {
  /** Per task j < T: R[j][j] − R[T][j] (Avalanche); for a loss R[T][j] − R[j][j]. */
  avalanche: number[];
  /** Per task j < T: max_{l<T} R[l][j] − R[T][j] (Chaudhry et al.); for a loss R[T][j] − min_{l<T} R[l][j]. */
  chaudhry: number[];
  /** Means over j < T. */
  avalancheMean: number;
  chaudhryMean: number;
  /** Backward transfer: −(mean Avalanche forgetting); negative when earlier tasks got worse. */
  bwt: number;
}

/**
 * Forgetting and backward transfer of a task sequence. R has T+1 rows (stage 0 = θ₀, then after
 * each of the T tasks) and T+1 columns (task 0 = the pretrain task, then tasks 1..T). For a loss
 * (lower is better) the differences are turned around so that forgetting > 0 always means worse.
 */
export function sequenceForgetting(r: number[][], metric: Metric): SequenceForgetting {
  const t = r.length - 1;
  if (t < 1 || r.some((row) => row.length !== r.length))
    throw new Error(`sequenceForgetting: R must be square with at least two rows, got ${r.length}×${r[0]?.length ?? 0}`);
  const worse = (before: number, after: number) => (metric === 'accuracy' ? before - after : after - before);
  const avalanche: number[] = [];
  const chaudhry: number[] = [];
  for (let j = 0; j < t; j++) {
    avalanche.push(worse(r[j][j], r[t][j]));
    const earlier = r.slice(0, t).map((row) => row[j]);
    chaudhry.push(worse(metric === 'accuracy' ? Math.max(...earlier) : Math.min(...earlier), r[t][j]));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { avalanche, chaudhry, avalancheMean: mean(avalanche), chaudhryMean: mean(chaudhry), bwt: -mean(avalanche) };
}
