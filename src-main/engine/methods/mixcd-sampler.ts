import type { Rng } from '../rng';
import { stateField } from '../resume/state-fields';
import type { MethodState } from './method';

/** Settings of the mix-cd estimate (docs/methods.md §3.7). */
export interface MixCdSettings {
  /** Per-step factor on the seen/wrong counts (1 = never forget old observations). */
  decay: number;
  /** Beta-prior pseudo-counts: r̂ = (wrong + a)/(seen + a + b). */
  a: number;
  b: number;
  /** Share of the budget spread evenly over the parts that can hold collateral damage. */
  epsilon: number;
}

/**
 * The estimated sampler of mix-cd [our design, docs/methods.md §3.7]: per part k of the pretrain pool,
 * exponentially decayed counts of rehearsed correct-before samples (seen) and of those predicted
 * wrong (wrong); r̂[k] = (wrong+a)/(seen+a+b) estimates P(wrong now | correct before, k),
 * w[k] = N1[k]·r̂[k] the number of collateral-damage samples in k, and parts are drawn with
 * q[k] = (1−ε)·w[k]/Σw + ε/K. Only correct-before samples can be collateral damage, so only they
 * are drawn, and parts without any (N1 = 0) get q = 0; K counts the parts with N1 > 0.
 */
export class MixCdSampler {
  /** Correct-before pool rows of each part. */
  private candidates: Int32Array[] = [];
  private partOf: Int32Array = new Int32Array(0);
  private readonly seen: Float64Array;
  private readonly wrong: Float64Array;

  /**
   * partOf: the part of every pool row (0..parts−1); c0: θ₀'s correctness of every pool row.
   */
  constructor(
    partOf: Int32Array,
    parts: number,
    private readonly c0: Uint8Array,
    private readonly settings: MixCdSettings,
  ) {
    this.seen = new Float64Array(parts);
    this.wrong = new Float64Array(parts);
    this.repartition(partOf);
  }

  /**
   * Moves rows between the same parts (a partition recomputed as training goes, e.g. by gradient alignment):
   * the counts stay with the parts, so a part keeps meaning the same thing (say, the most opposed fifth).
   */
  repartition(partOf: Int32Array): void {
    const lists: number[][] = Array.from({ length: this.seen.length }, () => []);
    for (let row = 0; row < partOf.length; row++) if (this.c0[row]) lists[partOf[row]].push(row);
    this.candidates = lists.map((l) => Int32Array.from(l));
    this.partOf = partOf;
  }

  /** The part of every pool row now. */
  get parts(): Int32Array {
    return this.partOf;
  }

  /** N1[k]: correct-before samples per part. */
  get n1(): number[] {
    return this.candidates.map((c) => c.length);
  }

  /** r̂[k], the smoothed estimate of P(wrong now | correct before) in each part. */
  rates(): number[] {
    const { a, b } = this.settings;
    return Array.from(this.seen, (s, k) => (this.wrong[k] + a) / (s + a + b));
  }

  /** q[k], the probability of drawing part k; sums to 1 when any part has correct-before samples, else all 0. */
  shares(): number[] {
    const n1 = this.n1;
    const eligible = n1.filter((n) => n > 0).length;
    if (!eligible) return n1.map(() => 0);
    const w = this.rates().map((r, k) => n1[k] * r);
    const total = w.reduce((s, v) => s + v, 0);
    const { epsilon } = this.settings;
    // With a = 0 and nothing wrong yet every w is 0: nothing singles a part out, so spread evenly.
    return w.map((wk, k) => (n1[k] === 0 ? 0 : total > 0 ? (1 - epsilon) * (wk / total) + epsilon / eligible : 1 / eligible));
  }

  /** m pool rows: parts ~ q, then uniformly among the part's correct-before rows; empty when no part has any. */
  draw(rng: Rng, m: number): Int32Array {
    const q = this.shares();
    if (q.every((v) => v === 0)) return new Int32Array(0);
    const rows = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const k = pick(q, rng.next());
      const c = this.candidates[k];
      rows[i] = c[Math.floor(rng.next() * c.length)];
    }
    return rows;
  }

  /** The decayed counts, for a resume point (the parts and their candidates are rebuilt from θ₀). */
  saveState(): MethodState {
    return { seen: this.seen.slice(), wrong: this.wrong.slice() };
  }

  /** Continues from saved counts. */
  restoreState(state: MethodState): void {
    const [seen, wrong] = ['seen', 'wrong'].map((key) => stateField(state, 'mix-cd sampler', key, 'Float64Array', this.seen.length));
    this.seen.set(seen);
    this.wrong.set(wrong);
  }

  /** Decays the counts by one step, then adds the rehearsed rows' outcomes from the forward pass before the update. */
  observe(rows: Int32Array, correct: Uint8Array): void {
    const { decay } = this.settings;
    for (let k = 0; k < this.seen.length; k++) {
      this.seen[k] *= decay;
      this.wrong[k] *= decay;
    }
    for (let i = 0; i < rows.length; i++) {
      const k = this.partOf[rows[i]];
      this.seen[k] += 1;
      this.wrong[k] += correct[i] ? 0 : 1;
    }
  }
}

/** Index drawn from the distribution q with a uniform u ∈ [0, 1); never a zero-probability index. */
function pick(q: number[], u: number): number {
  let acc = 0;
  let last = 0;
  for (let k = 0; k < q.length; k++) {
    if (q[k] === 0) continue;
    acc += q[k];
    last = k;
    if (u < acc) return k;
  }
  // Rounding can leave Σq a hair below u; the last drawable part takes the remainder.
  return last;
}
