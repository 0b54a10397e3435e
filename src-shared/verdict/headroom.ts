// How much of the oracle's headroom a mix-cd variant captures (issue #18): at one memory budget, random rehearsal is
// the floor and the oracle (which rehearses the samples that are damaged now) the ceiling of what rehearsal can keep.
import type { Metric } from '../config';
import { meanAt, seedBootstrap, type Estimate } from '../seed-bootstrap';
import { armIs, commonSeeds, counterpart, pairedDifference, type Arm } from './arms';

/** One mix-cd variant at one memory budget, against random rehearsal and the oracle at the same budget. */
export interface HeadroomRow {
  label: string;
  /** Pretrain samples per step (the method's memoryBatch); null when it does not say. */
  memoryBatch: number | null;
  /** The arms it is measured against. */
  random: string;
  oracle: string;
  /** Seeds all three ran (the bootstrap resamples these). */
  seeds: number;
  /** A_pre(oracle) − A_pre(random): the headroom itself. */
  headroom: Estimate;
  /** (A_pre(variant) − A_pre(random)) / (A_pre(oracle) − A_pre(random)); null when the oracle kept no more than random rehearsal. */
  share: Estimate | null;
  /** Share of resamples where the oracle kept no more than random rehearsal (the share is undefined there and left out). */
  undefinedShare: number;
  /** A_tgt(variant) − A_tgt(random): what the variant costs (or gains) on the target. */
  targetCost: Estimate;
}

const RANDOM = { id: 'rehearsal' };
const ORACLE = { id: 'mixcd', params: { variant: 'oracle' } };
const memoryBatchOf = (arm: Arm): number | null => (typeof arm.method.params.memoryBatch === 'number' ? arm.method.params.memoryBatch : null);
const sameBudget = (a: Arm, b: Arm) => memoryBatchOf(a) === memoryBatchOf(b);

/**
 * The headroom share of every estimated mix-cd arm that has a random-rehearsal arm and an oracle arm at its memory budget
 * (and its other sweep settings), in arm order; empty when the study lacks either. The share is undefined (null, or left out
 * of the bootstrap) where the oracle kept no more than random rehearsal; for a loss metric (lower is better) it reads the same way.
 */
export function headroomRows(arms: readonly Arm[], metric: Metric): HeadroomRow[] {
  // Accuracy: the oracle must keep more than random; a loss: less.
  const better = metric === 'accuracy' ? 1 : -1;
  const randoms = arms.filter((a) => armIs(a, RANDOM));
  const oracles = arms.filter((a) => armIs(a, ORACLE));
  const rows: HeadroomRow[] = [];
  for (const arm of arms) {
    if (arm.method.id !== 'mixcd' || arm.method.with.length || armIs(arm, ORACLE)) continue;
    const random = counterpart(arm, randoms, sameBudget);
    const oracle = counterpart(arm, oracles, sameBudget);
    if (!random || !oracle) continue;
    const pre = commonSeeds([arm, random, oracle], 'aPre');
    if (!pre.seeds.length) continue;
    const [v, r, o] = pre.at;
    const share = seedBootstrap(pre.seeds.length, (rows) => {
      const gap = meanAt(o, rows) - meanAt(r, rows);
      return gap * better <= 0 ? null : (meanAt(v, rows) - meanAt(r, rows)) / gap;
    });
    const headroom = seedBootstrap(pre.seeds.length, (rows) => meanAt(o, rows) - meanAt(r, rows))!;
    // The same paired difference as the verdict's ΔA_tgt, so one fact reads the same in both tables.
    const targetCost = pairedDifference(arm, random, 'aTgt')!;
    rows.push({
      label: arm.label,
      memoryBatch: memoryBatchOf(arm),
      random: random.label,
      oracle: oracle.label,
      seeds: pre.seeds.length,
      headroom: { value: headroom.value, interval: headroom.interval },
      share: share ? { value: share.value, interval: share.interval } : null,
      undefinedShare: share?.undefinedShare ?? 1,
      targetCost: { value: targetCost.value, interval: targetCost.interval },
    });
  }
  return rows;
}
