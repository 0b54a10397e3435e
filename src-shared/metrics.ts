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
  let retained = 0, damaged = 0, gained = 0, never = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    let cls = byClass.get(label);
    if (!cls) byClass.set(label, (cls = { label, n: 0, correctBefore: 0, damaged: 0, gained: 0 }));
    cls.n++;
    const before = c0[i] === 1, after = ct[i] === 1;
    if (before) cls.correctBefore++;
    if (before && after) retained++;
    else if (before) { damaged++; cls.damaged++; }
    else if (after) { gained++; cls.gained++; }
    else never++;
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

/** Distance of one weight tensor (or all of them) from the base: ‖θ−θ₀‖₂ and relative to ‖θ₀‖₂. */
export interface LayerDistance {
  name: string;
  distance: number;
  relative: number;
}

/** Combines per-tensor squared distances and squared norms into the total and per-tensor distances. */
export function combineDistances(parts: { name: string; sqDist: number; sqNorm: number }[]): { total: LayerDistance; perLayer: LayerDistance[] } {
  let sqDist = 0, sqNorm = 0;
  const perLayer = parts.map((p) => {
    sqDist += p.sqDist;
    sqNorm += p.sqNorm;
    return { name: p.name, distance: Math.sqrt(p.sqDist), relative: p.sqNorm > 0 ? Math.sqrt(p.sqDist / p.sqNorm) : 0 };
  });
  return { total: { name: 'total', distance: Math.sqrt(sqDist), relative: sqNorm > 0 ? Math.sqrt(sqDist / sqNorm) : 0 }, perLayer };
}
