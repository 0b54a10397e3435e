// The arms of a study: runs that differ only by their seed, with their final A_pre and A_tgt seed by seed.
import type { ParamValue } from '../params';
import { meanAt, seedBootstrap, type Estimate } from '../seed-bootstrap';

/** A finished fine-tuning run as a verdict reads it. */
export interface VerdictRun {
  /** Its experiment: the run config without the seed (seedGroupKey); runs with one key are one arm. */
  key: string;
  /** The arm as tables name it ("mix-cd rehearsal (oracle) memoryBatch=8"). */
  label: string;
  method: { id: string; params: Record<string, unknown>; with: { id: string }[] };
  /** Its study's sweep entry and point; null outside a sweep. */
  sweep: { id: string; point: Record<string, ParamValue> } | null;
  seed: number;
  aPre: number;
  aTgt: number;
  /** Its training trajectory, θ₀ first: [A_tgt, A_pre] at each evaluation point (absent where not read). */
  curve?: [number, number][];
}

/** One setting of a study over its seeds (seeds sorted; aPre[i], aTgt[i] belong to seeds[i]). */
export interface Arm {
  key: string;
  label: string;
  method: VerdictRun['method'];
  sweep: VerdictRun['sweep'];
  seeds: number[];
  aPre: number[];
  aTgt: number[];
  /** Each seed's training trajectory ([A_tgt, A_pre] per evaluation), null where the run did not give one. */
  curves: ([number, number][] | null)[];
}

/** The runs grouped into arms, in order of each arm's first run; a seed run twice counts once (its last run). */
export function armsOf(runs: readonly VerdictRun[]): Arm[] {
  const byKey = new Map<string, { first: VerdictRun; bySeed: Map<number, VerdictRun> }>();
  for (const run of runs) {
    const arm = byKey.get(run.key) ?? { first: run, bySeed: new Map<number, VerdictRun>() };
    arm.bySeed.set(run.seed, run);
    byKey.set(run.key, arm);
  }
  return [...byKey.values()].map(({ first, bySeed }) => {
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    return {
      key: first.key,
      label: first.label,
      method: first.method,
      sweep: first.sweep,
      seeds,
      aPre: seeds.map((s) => bySeed.get(s)!.aPre),
      aTgt: seeds.map((s) => bySeed.get(s)!.aTgt),
      curves: seeds.map((s) => bySeed.get(s)!.curve ?? null),
    };
  });
}

/** Whether an arm runs the method a selector names: the same id, uncombined, and every parameter the selector gives equal. */
export function armIs(arm: Pick<Arm, 'method'>, selector: { id: string; params?: Record<string, unknown> }): boolean {
  if (arm.method.id !== selector.id || arm.method.with.length) return false;
  return Object.entries(selector.params ?? {}).every(([k, v]) => JSON.stringify(arm.method.params[k]) === JSON.stringify(v));
}

/**
 * The one arm among `candidates` that `arm` is compared with: the candidates that agree with it on every sweep axis both
 * have (a rehearsal budget swept in both is compared budget by budget) and on `alsoEqual`; null when none or several do.
 */
export function counterpart(arm: Arm, candidates: readonly Arm[], alsoEqual: (a: Arm, b: Arm) => boolean = () => true): Arm | null {
  const point = arm.sweep?.point ?? {};
  const fits = candidates.filter((c) => {
    if (c === arm || !alsoEqual(arm, c)) return false;
    const other = c.sweep?.point ?? {};
    return Object.keys(point).every((axis) => !(axis in other) || JSON.stringify(other[axis]) === JSON.stringify(point[axis]));
  });
  return fits.length === 1 ? fits[0] : null;
}

/** The seeds a set of arms all ran, each arm's values at them: `at[a][i]` is arm a's value at seed `seeds[i]`. */
export function commonSeeds(arms: readonly Arm[], metric: 'aPre' | 'aTgt'): { seeds: number[]; at: number[][] } {
  const seeds = arms.reduce<number[]>((acc, a, i) => (i === 0 ? [...a.seeds] : acc.filter((s) => a.seeds.includes(s))), []);
  return { seeds, at: arms.map((a) => seeds.map((s) => a[metric][a.seeds.indexOf(s)])) };
}

/** The mean of an arm's metric with its seed-bootstrap interval. */
export function armMean(arm: Arm, metric: 'aPre' | 'aTgt'): Estimate | null {
  return seedBootstrap(arm.seeds.length, (rows) => meanAt(arm[metric], rows));
}

/** arm − other in a metric, paired by seed over the seeds both ran, with its bootstrap interval; null when they share no seed. */
export function pairedDifference(arm: Arm, other: Arm, metric: 'aPre' | 'aTgt'): (Estimate & { seeds: number }) | null {
  const {
    seeds,
    at: [a, b],
  } = commonSeeds([arm, other], metric);
  const diff = a.map((v, i) => v - b[i]);
  const est = seedBootstrap(seeds.length, (rows) => meanAt(diff, rows));
  return est ? { value: est.value, interval: est.interval, seeds: seeds.length } : null;
}

/**
 * A_pre along a training trajectory where it first reaches `aTgt` (linear between the two evaluations around the crossing):
 * what the run kept when it had learned that much, as if stopped there. Null when the trajectory never reaches it.
 */
export function aPreAtTarget(curve: readonly [number, number][], aTgt: number): number | null {
  for (let j = 0; j + 1 < curve.length; j++) {
    const [[t0, p0], [t1, p1]] = [curve[j], curve[j + 1]];
    if (t0 === aTgt) return p0;
    if ((t0 - aTgt) * (t1 - aTgt) < 0) return p0 + ((aTgt - t0) / (t1 - t0)) * (p1 - p0);
  }
  const last = curve.at(-1);
  return last && last[0] === aTgt ? last[1] : null;
}

/**
 * arm's A_pre minus the reference's at the same A_tgt, seed by seed: the reference's A_pre read off its training trajectory
 * where it first reached the arm's final A_tgt (Chen et al.'s "at equal target accuracy"). Over the seeds where the
 * reference got there; null when it never did on any.
 */
export function differenceAtEqualTarget(arm: Arm, reference: Arm): (Estimate & { seeds: number }) | null {
  const diffs: number[] = [];
  arm.seeds.forEach((seed, i) => {
    const j = reference.seeds.indexOf(seed);
    const curve = j >= 0 ? reference.curves[j] : null;
    const kept = curve ? aPreAtTarget(curve, arm.aTgt[i]) : null;
    if (kept !== null) diffs.push(arm.aPre[i] - kept);
  });
  const est = seedBootstrap(diffs.length, (rows) => meanAt(diffs, rows));
  return est ? { value: est.value, interval: est.interval, seeds: diffs.length } : null;
}
