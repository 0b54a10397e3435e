import type { Metric, RunMetrics } from './config';
/** Collateral damage of one pretrain class: how many of its samples went from correct to wrong. */
export interface ClassDamage {
  label: number;
  n: number;
  correctBefore: number;
  damaged: number;
  gained: number;
}

/** Transition counts between θ₀ and θ_t over the pretrain eval set (methods.md §2). */
export interface CollateralDamage {
  n: number;
  accBefore: number;
  accAfter: number;
  retained: number;
  damaged: number;
  gained: number;
  neverLearned: number;
  /** #(1→0)/N */
  cdAbs: number;
  /** #(1→0)/#(c₀=1); 0 when nothing was correct before. */
  cdCond: number;
  perClass: ClassDamage[];
}

/**
 * Counts 1→1, 1→0, 0→1, 0→0 transitions between the correctness vectors c₀ and c_t.
 * c0, ct: one 0/1 entry per pretrain eval sample; labels: that sample's class.
 */
export function collateralDamage(c0: ArrayLike<number>, ct: ArrayLike<number>, labels: ArrayLike<number>): CollateralDamage {
  if (c0.length !== ct.length || c0.length !== labels.length) {
    throw new Error(`collateralDamage: c0 (${c0.length}), ct (${ct.length}) and labels (${labels.length}) must have the same length`);
  }
  const n = c0.length;
  const byClass = new Map<number, ClassDamage>();
  let retained = 0,
    damaged = 0,
    gained = 0,
    never = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    let cls = byClass.get(label);
    if (!cls) byClass.set(label, (cls = { label, n: 0, correctBefore: 0, damaged: 0, gained: 0 }));
    cls.n++;
    const before = c0[i] === 1,
      after = ct[i] === 1;
    if (before) cls.correctBefore++;
    if (before && after) retained++;
    else if (before) {
      damaged++;
      cls.damaged++;
    } else if (after) {
      gained++;
      cls.gained++;
    } else never++;
  }
  const correctBefore = retained + damaged;
  return {
    n,
    accBefore: n ? correctBefore / n : 0,
    accAfter: n ? (retained + gained) / n : 0,
    retained,
    damaged,
    gained,
    neverLearned: never,
    cdAbs: n ? damaged / n : 0,
    cdCond: correctBefore ? damaged / correctBefore : 0,
    perClass: [...byClass.values()].sort((a, b) => a.label - b.label),
  };
}

/** Retention R_pre = A_pre(θ_ft)/A_pre(θ₀); null when the base model has zero accuracy. */
export function retention(aPreBase: number, aPre: number): number | null {
  return aPreBase > 0 ? aPre / aPreBase : null;
}

/** Per-sequence collateral damage of a language model over the held-out pretrain sequences. */
export interface LossDamage {
  n: number;
  /** Mean of the sequences' mean token losses (nats) under θ₀ and now. */
  lossBefore: number;
  lossAfter: number;
  damaged: number;
  gained: number;
  /** Share of sequences whose loss rose by more than the threshold. */
  cdAbs: number;
  /** The same share: every pretrain sequence is one θ₀ had learned something of, so the conditional rate equals the absolute one. */
  cdCond: number;
  /** Share of sequences whose loss fell by more than the threshold. */
  gainedAbs: number;
}

/**
 * Collateral damage carried over to losses (lower is better): a held-out pretrain sequence is
 * damaged when its mean token loss rose by more than `rise` nats from θ₀ (l0) to now (lt), gained
 * when it fell by more than `rise`. l0, lt: one mean token loss per sequence.
 */
export function lossDamage(l0: ArrayLike<number>, lt: ArrayLike<number>, rise: number): LossDamage {
  if (l0.length !== lt.length) throw new Error(`lossDamage: l0 (${l0.length}) and lt (${lt.length}) must have the same length`);
  const n = l0.length;
  let before = 0,
    after = 0,
    damaged = 0,
    gained = 0;
  for (let i = 0; i < n; i++) {
    before += l0[i];
    after += lt[i];
    if (lt[i] - l0[i] > rise) damaged++;
    else if (l0[i] - lt[i] > rise) gained++;
  }
  const share = (k: number) => (n ? k / n : 0);
  return { n, lossBefore: share(before), lossAfter: share(after), damaged, gained, cdAbs: share(damaged), cdCond: share(damaged), gainedAbs: share(gained) };
}

/**
 * Retention, forgetting and target gain of a run, signed so that they read the same for both
 * metrics: forgetting > 0 means the pretrain metric got worse, gain > 0 that the target one got
 * better, retention < 1 that pretrain performance was lost. `metric` is both sides' metric, or each
 * side's (a language model fine-tuned into a classifier: retention in loss, gain in accuracy).
 *   accuracy: R = A_pre(θ_ft)/A_pre(θ₀), F = A_pre(θ₀) − A_pre(θ_ft), G = A_tgt(θ_ft) − A_tgt(θ₀);
 *   loss (L, lower is better): R = L_pre(θ₀)/L_pre(θ_ft), F = L_pre(θ_ft) − L_pre(θ₀), G = L_tgt(θ₀) − L_tgt(θ_ft).
 */
export function headlineDeltas(
  metric: Metric | RunMetrics,
  base: { aPre: number; aTgt: number },
  final: { aPre: number; aTgt: number },
): { retention: number | null; forgetting: number; targetGain: number } {
  const { pretrain, target } = typeof metric === 'string' ? { pretrain: metric, target: metric } : metric;
  return {
    retention: metricRetention(pretrain, base.aPre, final.aPre),
    forgetting: pretrain === 'accuracy' ? base.aPre - final.aPre : final.aPre - base.aPre,
    targetGain: target === 'accuracy' ? final.aTgt - base.aTgt : base.aTgt - final.aTgt,
  };
}

/** Retention in either metric: A(θ_ft)/A(θ₀) for accuracy, L(θ₀)/L(θ_ft) for a loss (< 1: performance was lost); null where undefined. */
export function metricRetention(metric: 'accuracy' | 'loss', base: number, final: number): number | null {
  if (metric === 'accuracy') return retention(base, final);
  return final > 0 ? base / final : null;
}

/** Distance of one weight tensor (or all of them) from the base: ‖θ−θ₀‖₂ and relative to ‖θ₀‖₂. */
export interface LayerDistance {
  name: string;
  distance: number;
  relative: number;
}

/** Combines per-tensor squared distances and squared norms into the total and per-tensor distances. */
export function combineDistances(parts: { name: string; sqDist: number; sqNorm: number }[]): { total: LayerDistance; perLayer: LayerDistance[] } {
  let sqDist = 0,
    sqNorm = 0;
  const perLayer = parts.map((p) => {
    sqDist += p.sqDist;
    sqNorm += p.sqNorm;
    return { name: p.name, distance: Math.sqrt(p.sqDist), relative: p.sqNorm > 0 ? Math.sqrt(p.sqDist / p.sqNorm) : 0 };
  });
  return { total: { name: 'total', distance: Math.sqrt(sqDist), relative: sqNorm > 0 ? Math.sqrt(sqDist / sqNorm) : 0 }, perLayer };
}
