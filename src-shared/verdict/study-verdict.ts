// A study's measured verdict: what its arms kept and learned, each against the study's reference, the trend along
// each swept axis and the headroom share of mix-cd variants. A comparison with intervals, never a pass/fail: the
// study's description states the claim, the reader judges it.
import type { Metric, RunMetrics } from '../config';
import type { Estimate } from '../seed-bootstrap';
import { armIs, armMean, armsOf, counterpart, differenceAtEqualTarget, pairedDifference, type Arm, type VerdictRun } from './arms';
import { headroomRows, type HeadroomRow } from './headroom';

/** One arm: its means over seeds and its difference from the reference's counterpart. */
export interface ArmVerdict {
  label: string;
  seeds: number;
  aPre: Estimate;
  aTgt: Estimate;
  /**
   * Differences from the reference arm (paired by seed); null for the reference's own arms or without a counterpart.
   * `aPreAtEqualTarget`: A_pre minus the reference's where its training trajectory first reached this arm's A_tgt (null if it never did).
   */
  vsReference: { label: string; seeds: number; aPre: Estimate; aTgt: Estimate; aPreAtEqualTarget: (Estimate & { seeds: number }) | null } | null;
  /** No other arm is at least as good on both A_pre and A_tgt and better on one (by their means). */
  onFrontier: boolean;
}

/** How A_pre and A_tgt move along one swept axis of one method entry (Spearman's ρ of the axis value with each mean). */
export interface Trend {
  entry: string;
  axis: string;
  values: number[];
  aPre: number[];
  aTgt: number[];
  rhoPre: number;
  rhoTgt: number;
}

/** What a study measured, beside what it claims. */
export interface StudyVerdict {
  description: string | null;
  /** What A_pre measures (and the headroom, which is A_pre's). */
  metric: Metric;
  /** What A_tgt measures: `metric`, or accuracy for a language model fine-tuned into a classifier. */
  targetMetric: Metric;
  reference: string | null;
  arms: ArmVerdict[];
  trends: Trend[];
  headroom: HeadroomRow[];
}

/** Ranks with ties averaged (1-based). */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation; 0 when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const [rx, ry] = [ranks(xs), ranks(ys)];
  const mean = (rx.length + 1) / 2;
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Trends of each method entry of a sweep along each numeric axis that alone varies among three or more of its arms. */
function trendsOf(arms: readonly Arm[], means: Map<Arm, { aPre: number; aTgt: number }>): Trend[] {
  const entries = new Map<string, Arm[]>();
  for (const arm of arms) if (arm.sweep) entries.set(arm.sweep.id, [...(entries.get(arm.sweep.id) ?? []), arm]);
  const trends: Trend[] = [];
  for (const [entry, members] of entries) {
    const axes = Object.keys(members[0].sweep!.point);
    for (const axis of axes) {
      // Arms that agree on every other axis form one line along this one; a trend needs three points on a line.
      const lines = new Map<string, Arm[]>();
      for (const arm of members) {
        const rest = JSON.stringify(axes.filter((a) => a !== axis).map((a) => arm.sweep!.point[a]));
        lines.set(rest, [...(lines.get(rest) ?? []), arm]);
      }
      for (const line of lines.values()) {
        if (line.length < 3 || !line.every((a) => typeof a.sweep!.point[axis] === 'number')) continue;
        const sorted = [...line].sort((a, b) => (a.sweep!.point[axis] as number) - (b.sweep!.point[axis] as number));
        const values = sorted.map((a) => a.sweep!.point[axis] as number);
        const aPre = sorted.map((a) => means.get(a)!.aPre);
        const aTgt = sorted.map((a) => means.get(a)!.aTgt);
        const fixed = axes.filter((a) => a !== axis).map((a) => `${a.split('.').at(-1)}=${JSON.stringify(sorted[0].sweep!.point[a])}`);
        trends.push({
          entry: `${entry}${fixed.length ? ` (${fixed.join(', ')})` : ''}`,
          axis,
          values,
          aPre,
          aTgt,
          rhoPre: spearman(values, aPre),
          rhoTgt: spearman(values, aTgt),
        });
      }
    }
  }
  return trends;
}

/**
 * The verdict of a study's finished runs: every arm's means with seed-bootstrap intervals, its difference from the
 * reference's counterpart, whether it is on the A_pre–A_tgt frontier, the trends along swept axes and the headroom rows.
 */
export function studyVerdict(
  runs: readonly VerdictRun[],
  study: { description?: string; reference?: { id: string; params?: Record<string, unknown> } },
  metrics: Metric | RunMetrics,
): StudyVerdict {
  const { pretrain: metric, target: targetMetric } = typeof metrics === 'string' ? { pretrain: metrics, target: metrics } : metrics;
  const arms = armsOf(runs);
  const means = new Map(arms.map((a) => [a, { aPre: armMean(a, 'aPre')!, aTgt: armMean(a, 'aTgt')! }]));
  // Accuracy: higher is better; a loss: lower (each side by its own metric).
  const sign = (m: Metric) => (m === 'accuracy' ? 1 : -1);
  const score = (a: Arm) => [sign(metric) * means.get(a)!.aPre.value, sign(targetMetric) * means.get(a)!.aTgt.value];
  const dominated = (a: Arm) =>
    arms.some((b) => {
      const [sa, sb] = [score(a), score(b)];
      return b !== a && sb[0] >= sa[0] && sb[1] >= sa[1] && (sb[0] > sa[0] || sb[1] > sa[1]);
    });
  const selector = study.reference;
  const references = selector ? arms.filter((a) => armIs(a, selector)) : [];
  return {
    description: study.description ?? null,
    metric,
    targetMetric,
    reference: selector ? [selector.id, ...Object.entries(selector.params ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(' ') : null,
    arms: arms.map((arm) => {
      const ref = references.includes(arm) ? null : counterpart(arm, references);
      const [dPre, dTgt] = ref ? [pairedDifference(arm, ref, 'aPre'), pairedDifference(arm, ref, 'aTgt')] : [null, null];
      return {
        label: arm.label,
        seeds: arm.seeds.length,
        aPre: means.get(arm)!.aPre,
        aTgt: means.get(arm)!.aTgt,
        vsReference:
          ref && dPre && dTgt
            ? {
                label: ref.label,
                seeds: dPre.seeds,
                aPre: { value: dPre.value, interval: dPre.interval },
                aTgt: { value: dTgt.value, interval: dTgt.interval },
                aPreAtEqualTarget: differenceAtEqualTarget(arm, ref),
              }
            : null,
        onFrontier: !dominated(arm),
      };
    }),
    trends: trendsOf(arms, new Map([...means].map(([a, m]) => [a, { aPre: m.aPre.value, aTgt: m.aTgt.value }]))),
    headroom: headroomRows(arms, metric),
  };
}
